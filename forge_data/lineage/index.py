"""The lineage index: for every record id, uri and author hash, the data commits of main holding it.

Main's history is a line of commits (publishes and forget requests, following first parents).
Consecutive commits share almost all their records, so instead of a key set per commit the index
keeps one row per stretch of commits a key was present in::

    <state>/lineage/commits.parquet   seq, commit, created_at          (main's commits, oldest first)
    <state>/lineage/keys.parquet      kind, key, source, start, end    (present in commits start..end-1;
                                                                        end null: still in the newest)

Indexing a new commit reads only the per-source record tables that changed since the previous
one; a query reads two small Parquet files instead of every commit's data. If main's history no
longer contains the newest indexed commit (the store was replaced), the index is rebuilt.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from forge_data.lineage.keys import AUTHOR_HASH, is_author_hash
from forge_data.steps import layout
from forge_data.store import VersionStore
from forge_data.tables import read_parquet, write_parquet

COMMITS_SCHEMA = pa.schema(
    [("seq", pa.int32()), ("commit", pa.string()), ("created_at", pa.timestamp("us", tz="UTC"))]
)
KEYS_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),  # record | uri | author
        ("key", pa.string()),
        ("source", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
    ]
)
KINDS = ("record", "uri", "author")


def table_keys(records: pa.Table) -> set[tuple[str, str]]:
    """(kind, key) of every record in a published table: ids, uris, author and speaker hashes."""
    keys = {("record", i) for i in records.column("id").to_pylist()}
    keys |= {("uri", u) for u in records.column("uri").to_pylist() if u}
    authors: set[str] = set()
    if "provenance" in records.column_names:
        authors.update(
            a for a in pc.struct_field(records.column("provenance"), "author_hash").to_pylist() if a
        )
    if "turns" in records.column_names:
        speakers = pc.struct_field(pc.list_flatten(records.column("turns")), "speaker").to_pylist()
        authors.update(s for s in speakers if s and is_author_hash(s))
    if "metadata" in records.column_names:
        for meta in records.column("metadata").to_pylist():
            if meta:
                authors.update(AUTHOR_HASH.findall(meta))
    return keys | {("author", a) for a in authors}


class LineageIndex:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _read(self, name: str, schema: pa.Schema) -> pa.Table:
        path = self.folder / name
        return read_parquet(path) if path.is_file() else schema.empty_table()

    def commits(self) -> list[dict[str, Any]]:
        return self._read("commits.parquet", COMMITS_SCHEMA).to_pylist()

    # --- building ------------------------------------------------------------------------------

    def update(self, store: VersionStore) -> int:
        """Index main's commits not yet indexed; returns how many were added."""
        with self._locked():
            commits = self.commits()
            rows = self._read("keys.parquet", KEYS_SCHEMA).to_pylist()
            known = {c["commit"]: c["seq"] for c in commits}
            chain, at = _first_parents(store, store.head(store.main), known)
            if at is None or known[at] != len(commits) - 1:
                # Main does not continue from the newest indexed commit: index its whole history again.
                commits, rows = [], []
                chain, at = _first_parents(store, store.head(store.main), {})
            if not chain:
                return 0
            open_keys: dict[str, dict[tuple[str, str], int]] = {}
            for i, row in enumerate(rows):
                if row["end"] is None:
                    open_keys.setdefault(row["source"], {})[(row["kind"], row["key"])] = i
            previous = commits[-1]["commit"] if commits else None
            for commit in chain:
                seq = len(commits)
                for source, keys in _changed_sources(store, previous, commit):
                    live = open_keys.setdefault(source, {})
                    for key in set(live) - keys:
                        rows[live.pop(key)]["end"] = seq
                    for kind, key in keys - set(live):
                        live[(kind, key)] = len(rows)
                        rows.append({"kind": kind, "key": key, "source": source, "start": seq, "end": None})
                created = store.get_commit(commit).created_at
                commits.append({"seq": seq, "commit": commit, "created_at": created})
                previous = commit
            write_parquet(pa.Table.from_pylist(rows, schema=KEYS_SCHEMA), self.folder / "keys.parquet")
            write_parquet(
                pa.Table.from_pylist(commits, schema=COMMITS_SCHEMA), self.folder / "commits.parquet"
            )
            return len(chain)

    # --- querying ------------------------------------------------------------------------------

    def find(self, kind: str, values: set[str]) -> list[dict[str, Any]]:
        """The indexed commits holding any of ``values`` (of ``kind``), oldest first, with the sources."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        commits = self.commits()
        keys = self._read("keys.parquet", KEYS_SCHEMA)
        hits = keys.filter(
            pc.and_(
                pc.equal(keys.column("kind"), kind),
                pc.is_in(keys.column("key"), pa.array(sorted(values), pa.string())),
            )
        )
        found: dict[int, set[str]] = {}
        for row in hits.to_pylist():
            end = len(commits) if row["end"] is None else row["end"]
            for seq in range(row["start"], end):
                found.setdefault(seq, set()).add(row["source"])
        return [dict(commits[seq], sources=sorted(found[seq])) for seq in sorted(found)]


def _first_parents(store: VersionStore, head: str, known: dict[str, int]) -> tuple[list[str], str | None]:
    """Main's commits after the newest known one, oldest first, and the known commit reached (or None)."""
    chain, at = [], head
    while at is not None and at not in known:
        chain.append(at)
        parents = store.get_commit(at).parents
        at = parents[0] if parents else None
    return chain[::-1], at


def _changed_sources(store: VersionStore, previous: str | None, commit: str) -> Iterator[tuple[str, set]]:
    """(source, keys at ``commit``) for every per-source record table that changed since ``previous``."""
    from forge_data.store import read_table

    if previous is None:
        paths = [(o.path, "added") for o in store.list(commit, layout.RECORDS_PREFIX)]
    else:
        paths = [(c.path, c.type) for c in store.diff(previous, commit, prefix=layout.RECORDS_PREFIX)]
    for path, change in paths:
        if not path.endswith(".parquet"):
            continue
        columns = ["id", "uri", "provenance", "turns", "metadata"]
        keys = (
            set() if change == "removed" else table_keys(_columns(read_table(store, commit, path), columns))
        )
        yield layout.source_of(path), keys


def _columns(table: pa.Table, names: list[str]) -> pa.Table:
    return table.select([n for n in names if n in table.column_names])
