"""The next state of the curated dataset: main's state, minus what this run re-curated or lost,
plus what this run produced. A full run starts from nothing instead of from main.

Per source the state is four tables (records, code units, quarantine, ledger); duplicates are one
table for all sources, because clusters cross sources. Only sources the plan touched are
rewritten; the others stay as main has them, counts included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from forge_data.config import ForgeConfig
from forge_data.schema import QUARANTINE_SCHEMA, RECORD_SCHEMA
from forge_data.steps import layout
from forge_data.steps.curate import batch_inputs, snapshot_rows
from forge_data.steps.plan import LEDGER_SCHEMA, Plan
from forge_data.store import NotFound, VersionStore
from forge_data.tables import read_json, read_parquet
from forge_data.workspace import Workspace

DUPLICATE_COLUMNS = ["id", "source", "uri", "cluster_id", "duplicate_of", "dup_type"]


@dataclass
class NextState:
    objects: dict[str, pa.Table] = field(default_factory=dict)  # path -> table to write
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    code_units: int = 0


@dataclass
class _Batch:
    """What this run curated, one table per kind of output."""

    records: pa.Table
    units: pa.Table
    duplicates: pa.Table
    quarantine: pa.Table
    ledger: pa.Table


def _is_in(column: pa.ChunkedArray, values: set[str]) -> pa.ChunkedArray:
    return pc.is_in(column, pa.array(sorted(values), pa.string()))


def _of(table: pa.Table, source: str) -> pa.Table:
    return table.filter(pc.equal(table.column("source"), source))


def _batch(cfg: ForgeConfig, ws: Workspace, plan: Plan) -> _Batch:
    from forge_data.code import UNIT_SCHEMA

    records = read_parquet(ws.curated("redacted"))
    deduplicated = read_parquet(ws.curated("deduplicated"))
    filter_q = read_parquet(ws.curated("filter_quarantine"))
    new_rejects = plan.ids("changed", origin="quarantine")
    ingest_q = snapshot_rows(cfg, ws, None if plan.full else new_rejects, rejects=True)
    quarantine = pa.concat_tables([ingest_q, filter_q], promote_options="permissive")
    duplicates = deduplicated.filter(pc.invert(pc.field("keep"))).select(DUPLICATE_COLUMNS)
    units = (
        read_parquet(ws.curated("code_units"))
        if ws.curated("code_units").is_file()
        else UNIT_SCHEMA.empty_table()
    )

    outcome: dict[str, str] = dict.fromkeys(filter_q.column("id").to_pylist(), "quarantined")
    cluster: dict[str, str] = {}
    for row in deduplicated.select(["id", "keep", "cluster_id"]).to_pylist():
        outcome[row["id"]] = "kept" if row["keep"] else "duplicate"
        cluster[row["id"]] = row["cluster_id"]
    keys = set(outcome) | {f"q:{i}" for i in ingest_q.column("id").to_pylist()}
    inputs = batch_inputs(cfg, ws, keys)
    pairs = list(zip(inputs.column("id").to_pylist(), inputs.column("origin").to_pylist(), strict=True))
    ledger = pa.table(
        {
            "key": inputs.column("key"),
            "id": inputs.column("id"),
            "origin": inputs.column("origin"),
            "fingerprint": inputs.column("fingerprint"),
            # An ingest reject is quarantined; a record's fate is the filters' or dedup's.
            "outcome": pa.array(
                [outcome[i] if o == "record" else "quarantined" for i, o in pairs], pa.string()
            ),
            "cluster_id": pa.array(
                [cluster.get(i) if o == "record" else None for i, o in pairs], pa.string()
            ),
            "source": inputs.column("source"),
        }
    )
    return _Batch(records, units, duplicates, quarantine, ledger)


def _published(store: VersionStore, ref: str, path: str, schema: pa.Schema | None) -> pa.Table | None:
    from forge_data.store import read_table

    try:
        return read_table(store, ref, path)
    except NotFound:
        return schema.empty_table() if schema is not None else None


def _stack(old: pa.Table | None, new: pa.Table, sort_key: str) -> pa.Table:
    table = new if old is None else pa.concat_tables([old, new], promote_options="permissive")
    return table.sort_by(sort_key)


def next_state(cfg: ForgeConfig, ws: Workspace, store: VersionStore, plan: Plan) -> NextState:
    batch = _batch(cfg, ws, plan)
    prev_manifest = plan.base_manifest
    ids = plan.ids("changed", "removed", "pulled")  # records this run decided again or lost
    reject_ids = plan.ids("changed", "removed", origin="quarantine")
    keys = plan.keys("changed", "removed", "pulled")
    touched = {s.name for s in cfg.sources} if plan.full else plan.sources()
    state = NextState()

    def previous(prefix: str, source: str, schema: pa.Schema | None) -> pa.Table | None:
        if plan.full:
            return None
        return _published(store, plan.base, layout.source_path(prefix, source), schema)

    def merged(path: str, old: pa.Table | None, drop, new: pa.Table, key: str) -> pa.Table:
        """``old`` minus the ``drop`` rows plus ``new``; staged only when that changes anything."""
        if old is not None:
            dropped = pc.fill_null(drop, False)
            if not pc.any(dropped).as_py() and new.num_rows == 0:
                return old  # already on the branch, which starts from main
            old = old.filter(pc.invert(dropped))
        state.objects[path] = table = _stack(old, new, key)
        return table

    for source in cfg.sources:
        name = source.name
        if name not in touched:
            state.by_source[name] = prev_manifest["by_source"][name]
            continue
        path = {prefix: layout.source_path(prefix, name) for prefix in layout.PER_SOURCE}
        old = {
            prefix: None if plan.full else _published(store, plan.base, path[prefix], schema)
            for prefix, schema in (
                (layout.RECORDS_PREFIX, RECORD_SCHEMA),
                (layout.UNITS_PREFIX, None),
                (layout.QUARANTINE_PREFIX, QUARANTINE_SCHEMA),
            )
        }
        old[layout.LEDGER_PREFIX] = None if plan.full else plan.ledgers[name]
        drop = {}
        if not plan.full:
            q = old[layout.QUARANTINE_PREFIX]
            from_ingest = pc.equal(q.column("stage"), "ingest")
            drop[layout.QUARANTINE_PREFIX] = pc.if_else(from_ingest, _is_in(q.column("id"), reject_ids), _is_in(q.column("id"), ids))  # fmt: skip
            drop[layout.RECORDS_PREFIX] = _is_in(old[layout.RECORDS_PREFIX].column("id"), ids)
            drop[layout.LEDGER_PREFIX] = _is_in(old[layout.LEDGER_PREFIX].column("key"), keys)
            units = old[layout.UNITS_PREFIX]
            drop[layout.UNITS_PREFIX] = _is_in(units.column("record_id"), ids) if units is not None else None
        new = {
            layout.RECORDS_PREFIX: (_of(batch.records, name), "id"),
            layout.UNITS_PREFIX: (_of(batch.units, name), "id"),
            layout.QUARANTINE_PREFIX: (_of(batch.quarantine, name), "id"),
            layout.LEDGER_PREFIX: (
                _of(batch.ledger, name).drop_columns(["source"]).cast(LEDGER_SCHEMA),
                "key",
            ),
        }
        tables = {
            prefix: merged(path[prefix], old[prefix], drop.get(prefix), table, key)
            for prefix, (table, key) in new.items()
        }
        counts = _counts(tables[layout.LEDGER_PREFIX], _suppressed(ws, name))
        state.by_source[name] = dict(counts, code_units=tables[layout.UNITS_PREFIX].num_rows)

    old_dups = None if plan.full else _published(store, plan.base, layout.DUPLICATES_PATH, None)
    drop_dups = _is_in(old_dups.column("id"), ids) if old_dups is not None else None
    merged(layout.DUPLICATES_PATH, old_dups, drop_dups, batch.duplicates, "id")
    state.run = _run_counts(plan, batch)
    state.code_units = sum(c["code_units"] for c in state.by_source.values())
    return state


def _suppressed(ws: Workspace, source: str) -> int:
    return int(read_json(ws.ingest_stats(source)).get("suppressed", 0))


def _counts(ledger: pa.Table, suppressed: int) -> dict[str, int]:
    outcomes = ledger.column("outcome").to_pylist()
    kept, dups, quarantined = (outcomes.count(o) for o in ("kept", "duplicate", "quarantined"))
    return {
        "inputs": len(outcomes) + suppressed,
        "kept": kept,
        "duplicates": dups,
        "quarantined": quarantined,
        "suppressed": suppressed,
    }


def _run_counts(plan: Plan, batch: _Batch) -> dict[str, Any]:
    outcomes = batch.ledger.column("outcome").to_pylist()
    kept, dups, quarantined = (outcomes.count(o) for o in ("kept", "duplicate", "quarantined"))
    n = len(outcomes)
    counts = plan.counts()
    return {
        "mode": plan.mode,
        "reason": plan.reason,
        "base": plan.base,
        "plan": plan.id,
        "inputs": n,
        "kept": kept,
        "duplicates": dups,
        "quarantined": quarantined,
        "changed": counts["changed"],
        "pulled": counts["pulled"],
        "removed": counts["removed"],
        "balanced": n == kept + dups + quarantined,
        "identity": f"{n} inputs curated in this run ({counts['changed']} new or changed, {counts['pulled']} "
        f"re-decided duplicates) = {kept} kept + {dups} duplicates + {quarantined} quarantined; "
        f"{counts['removed']} removed from the sources",
    }
