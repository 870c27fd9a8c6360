"""The raw snapshot of one source in the workspace: everything the source holds now, row by row.

Beside ``records.parquet`` and ``quarantine.parquet`` (the full current state, not just what the
last ingest read), ``inputs.parquet`` names every input once: its key, the unit it came from (a
file of a wiki, a path of a git tree, the whole export of a chat source) and a fingerprint of its
content. An incremental ingest re-reads only changed units and merges them in; the curation plan
compares fingerprints with the published ledger to find what to re-curate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from forge_data.schema import QUARANTINE_SCHEMA, RECORD_SCHEMA, row_hash
from forge_data.tables import read_json, read_parquet, write_json, write_parquet
from forge_data.workspace import Workspace

INPUTS_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("id", pa.string()),
        ("origin", pa.string()),  # record | quarantine
        ("unit", pa.string()),
        ("fingerprint", pa.string()),
    ]
)


def input_key(origin: str, row_id: str) -> str:
    """Records and ingest rejects may share an id (one uri, read once and rejected once): keep them apart."""
    return row_id if origin == "record" else f"q:{row_id}"


def fingerprint(row: dict[str, Any]) -> str:
    """The content of one raw row, without what the snapshot rather than the item decides.

    A git ingest stamps every record with the head commit and its time; an unchanged file must
    not look changed because the repository moved on.
    """
    row = {k: v for k, v in row.items() if k != "created_at"}
    row["provenance"] = {k: v for k, v in (row.get("provenance") or {}).items() if k != "commit"}
    return row_hash(row)


def inputs_of(records: pa.Table, quarantine: pa.Table, units: tuple[list[str], list[str]]) -> pa.Table:
    """The inputs table of freshly read rows; ``units`` gives each record's and reject's unit."""
    rows = []
    for origin, table, unit_list in (("record", records, units[0]), ("quarantine", quarantine, units[1])):
        for row, unit in zip(table.to_pylist(), unit_list, strict=True):
            rows.append(
                {
                    "key": input_key(origin, row["id"]),
                    "id": row["id"],
                    "origin": origin,
                    "unit": unit,
                    "fingerprint": fingerprint(row),
                }
            )
    return pa.Table.from_pylist(rows, schema=INPUTS_SCHEMA)


@dataclass
class Snapshot:
    records: pa.Table
    quarantine: pa.Table
    inputs: pa.Table
    state: dict[str, Any]  # settings, head or file hashes, suppressed counts per unit

    @classmethod
    def empty(cls) -> Snapshot:
        return cls(
            RECORD_SCHEMA.empty_table(), QUARANTINE_SCHEMA.empty_table(), INPUTS_SCHEMA.empty_table(), {}
        )

    def without_units(self, units: set[str]) -> Snapshot:
        """This snapshot minus every row that came from ``units``."""
        if not units:
            return self
        drop = pc.is_in(self.inputs.column("unit"), pa.array(sorted(units), pa.string()))
        gone = self.inputs.filter(drop)
        gone_records = gone.filter(pc.equal(gone.column("origin"), "record")).column("id")
        gone_rejects = gone.filter(pc.equal(gone.column("origin"), "quarantine")).column("id")
        return Snapshot(
            self.records.filter(pc.invert(pc.is_in(self.records.column("id"), gone_records))),
            self.quarantine.filter(pc.invert(pc.is_in(self.quarantine.column("id"), gone_rejects))),
            self.inputs.filter(pc.invert(drop)),
            self.state,
        )

    def plus(self, other: Snapshot) -> Snapshot:
        return Snapshot(
            pa.concat_tables([self.records, other.records.cast(self.records.schema)]),
            pa.concat_tables([self.quarantine, other.quarantine.cast(self.quarantine.schema)]),
            pa.concat_tables([self.inputs, other.inputs]),
            self.state,
        )

    def filter_rows(self, record_keep: list[bool], reject_keep: list[bool]) -> Snapshot:
        """Keep only the flagged rows (and their inputs)."""
        records = self.records.filter(pa.array(record_keep, pa.bool_()))
        rejects = self.quarantine.filter(pa.array(reject_keep, pa.bool_()))
        keys = [input_key("record", i) for i in records.column("id").to_pylist()]
        keys += [input_key("quarantine", i) for i in rejects.column("id").to_pylist()]
        inputs = self.inputs.filter(pc.is_in(self.inputs.column("key"), pa.array(keys, pa.string())))
        return Snapshot(records, rejects, inputs, self.state)

    def has_unique_keys(self) -> bool:
        keys = self.inputs.column("key")
        return len(keys.unique()) == len(keys) == self.records.num_rows + self.quarantine.num_rows


def _paths(ws: Workspace, source: str) -> dict[str, Any]:
    d = ws.ingest_dir(source)
    return {
        "records": ws.ingest_records(source),
        "quarantine": ws.ingest_quarantine(source),
        "inputs": d / "inputs.parquet",
        "state": d / "state.json",
    }


def load(ws: Workspace, source: str) -> Snapshot | None:
    """The snapshot the last ingest of ``source`` left, or None when there is none to build on."""
    paths = _paths(ws, source)
    if not all(p.is_file() for p in paths.values()):
        return None
    return Snapshot(
        read_parquet(paths["records"]),
        read_parquet(paths["quarantine"]),
        read_parquet(paths["inputs"]),
        read_json(paths["state"]),
    )


def load_inputs(ws: Workspace, source: str) -> pa.Table:
    path = _paths(ws, source)["inputs"]
    if not path.is_file():
        raise FileNotFoundError(f"source {source!r} has not been ingested yet (no {path})")
    return read_parquet(path)


def save(ws: Workspace, source: str, snap: Snapshot) -> None:
    paths = _paths(ws, source)
    write_parquet(snap.records, paths["records"])
    write_parquet(snap.quarantine, paths["quarantine"])
    write_parquet(snap.inputs, paths["inputs"])
    write_json(snap.state, paths["state"])
