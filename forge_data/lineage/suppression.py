"""The suppression list: hashes of the uris and authors `forge forget` removed.

A source may keep holding what a person asked us to forget (the wiki page is still there, the
Slack export still has their messages), so ingest applies this list to every snapshot: matching
rows never reach the workspace, curation or the store again, and are counted as ``suppressed``.
Only hashes are kept: sha256 of a uri, and the per-source pseudonyms of an author.

    <state>/forget/suppressions.parquet   type (uri | author), hash, request_id, created_at
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from forge_data.lineage.keys import authors_of, uri_hash
from forge_data.tables import read_parquet, write_parquet

SCHEMA = pa.schema(
    [
        ("type", pa.string()),
        ("hash", pa.string()),
        ("request_id", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
    ]
)


def forget_dir(state_dir: Path) -> Path:
    return Path(state_dir) / "forget"


def list_path(state_dir: Path) -> Path:
    return forget_dir(state_dir) / "suppressions.parquet"


def _base_uri(uri: str) -> str:
    # Ingest names a second input claiming a uri "<uri>#duplicate"; it is the same item.
    return uri.removesuffix("#duplicate")


@dataclass
class Suppressions:
    uris: set[str] = field(default_factory=set)
    authors: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.uris or self.authors)

    @classmethod
    def load(cls, state_dir: Path) -> Suppressions:
        path = list_path(state_dir)
        if not path.is_file():
            return cls()
        table = read_parquet(path).to_pylist()
        return cls(
            uris={r["hash"] for r in table if r["type"] == "uri"},
            authors={r["hash"] for r in table if r["type"] == "author"},
        )

    def matches(self, row: dict) -> bool:
        if self.uris and row.get("uri") and uri_hash(_base_uri(row["uri"])) in self.uris:
            return True
        return bool(self.authors) and not self.authors.isdisjoint(authors_of(row))

    def mask(self, table: pa.Table) -> list[bool]:
        """For every row of a record or quarantine table, whether it is suppressed."""
        if not self or table.num_rows == 0:
            return [False] * table.num_rows
        cols = [c for c in ("uri", "provenance", "turns", "metadata") if c in table.column_names]
        return [self.matches(row) for row in table.select(cols).to_pylist()]


def add(state_dir: Path, entries: Iterable[tuple[str, str]], request_id: str) -> int:
    """Append ``(type, hash)`` entries not yet listed; returns how many were new."""
    path = list_path(state_dir)
    current = read_parquet(path) if path.is_file() else SCHEMA.empty_table()
    known = set(zip(current.column("type").to_pylist(), current.column("hash").to_pylist(), strict=True))
    now = datetime.now(UTC)
    new = [
        {"type": t, "hash": h, "request_id": request_id, "created_at": now}
        for t, h in sorted(set(entries))
        if (t, h) not in known
    ]
    if new:
        write_parquet(pa.concat_tables([current, pa.Table.from_pylist(new, schema=SCHEMA)]), path)
    return len(new)
