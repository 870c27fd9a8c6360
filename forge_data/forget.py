"""Honour a deletion request: forget a source uri or a person everywhere Forge keeps data.

:func:`forget` does, in order:

1. adds the request to the suppression list (hashes only), so no later ingest brings the data
   back while a source still holds it;
2. removes every matching row from main in a new commit, through a branch and a merge like any
   publish: curated records, code units cut from them, quarantine rows, duplicate rows and ledger
   entries. Members of duplicate clusters that lost a member are marked for the next run to decide
   again (a copy that was dropped as a duplicate of a forgotten page may now be kept, as a full run
   would keep it, unless it matches the request itself);
3. removes the rows from the workspace: the sources' snapshots, the curation steps' tables and
   stats, and the saved dedup index;
4. finds, through the lineage index, the data commits that held the data, the training datasets
   built from them and the models trained on them, and marks those models stale;
5. appends the request to the deletion log.

What stays, by design: earlier commits of the version store still hold the data (that is what
versioning means; a lakeFS retention policy or re-creating the embedded store removes them), and
the listed dataset folders and the stale models' folders stay on disk until they are rebuilt or
deleted. The deletion log and commit metadata carry hashes, never the uri or identifier given.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from forge_data.config import ForgeConfig
from forge_data.lineage import LineageIndex, suppression
from forge_data.lineage.keys import identifier_hash, scrub, uri_hash
from forge_data.lineage.suppression import Suppressions
from forge_data.lineage.trace import datasets_from, models_from, query_keys
from forge_data.steps import layout
from forge_data.store import NotFound, StoreError, VersionStore
from forge_data.tables import read_parquet, write_json, write_parquet
from forge_data.workspace import Workspace

LOG = "log.jsonl"


@dataclass
class Request:
    id: str
    by: str  # uri | author
    identifier: str  # sha256 of what was given: what the log and the commit may say
    keys: set[str]  # the uri, or the author hashes
    reason: str

    @property
    def entries(self) -> list[tuple[str, str]]:
        if self.by == "uri":
            return [("uri", uri_hash(k)) for k in self.keys]
        return [("author", k) for k in sorted(self.keys)]

    @property
    def rules(self) -> Suppressions:
        return Suppressions(uris={h for t, h in self.entries if t == "uri"}, authors=self.keys if self.by == "author" else set())  # fmt: skip


@dataclass
class Removal:
    record_ids: set[str] = field(default_factory=set)  # records, duplicates and filter rejects
    reject_ids: set[str] = field(default_factory=set)  # ingest rejects
    clusters: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    commit: str | None = None


def forget(
    cfg: ForgeConfig,
    store: VersionStore | None = None,
    *,
    uri: str | None = None,
    author: str | None = None,
    reason: str = "",
) -> dict[str, Any]:
    from forge_data.store import open_store

    store = store or open_store(cfg.store, cfg.resolve)
    ws = Workspace(cfg.state_dir)
    kind, keys = query_keys(cfg, record=None, uri=uri, author=author)
    given = uri or author or ""
    req = Request(
        uuid.uuid4().hex[:12], kind, f"sha256:{identifier_hash(given)}", keys, scrub(reason.strip())
    )
    index = LineageIndex(ws.lineage)
    index.update(store)
    suppression.add(ws.root, req.entries, req.id)

    base = store.head(store.main)
    raw_records, raw_rejects = _raw_matches(cfg, ws, req.rules)
    try:
        removal = _remove_from_main(cfg, store, base, req, raw_records, raw_rejects)
    except StoreError as err:
        # The request stands (it is on the suppression list, so the next run removes the data);
        # the log says it could not be published now, and why.
        _log(ws, {"request_id": req.id, "by": kind, "identifier": req.identifier, "base": base,
                  "commit": None, "error": f"{type(err).__name__}: {err}"})  # fmt: skip
        raise
    workspace = _clean_workspace(cfg, ws, req, removal, base)
    index.update(store)

    hits = index.find(kind, keys)
    if removal.record_ids:
        hits += index.find("record", removal.record_ids)
    commits = {h["commit"] for h in hits}
    why = f"forget request {req.id}" + (f": {req.reason}" if req.reason else "")
    models = _mark_stale(ws, models_from(ws, commits), why)
    entry = {
        "request_id": req.id,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "by": kind,
        "identifier": req.identifier,
        "suppressed_hashes": [h for _, h in req.entries],
        "reason": req.reason,
        "base": base,
        "commit": removal.commit,
        "removed": removal.counts,
        "data_commits": sorted(commits),
        "datasets": datasets_from(ws, commits),
        "models": models,
    }
    _log(ws, entry)
    return {**entry, "workspace": workspace, "log": str(suppression.forget_dir(ws.root) / LOG)}


# --- matching --------------------------------------------------------------------------------


def _raw_matches(cfg: ForgeConfig, ws: Workspace, rules: Suppressions) -> tuple[set[str], set[str]]:
    """Ids of snapshot records and rejects matching the request (the raw form keeps every speaker)."""
    records, rejects = set(), set()
    for source in cfg.sources:
        for path, found in ((ws.ingest_records(source.name), records), (ws.ingest_quarantine(source.name), rejects)):  # fmt: skip
            if path.is_file():
                table = read_parquet(path)
                found.update(
                    i for i, hit in zip(table.column("id").to_pylist(), rules.mask(table), strict=True) if hit
                )
    return records, rejects


def _hits(table: pa.Table, rules: Suppressions, ids: set[str], column: str = "id") -> list[bool]:
    by_rule = rules.mask(table)
    return [hit or i in ids for hit, i in zip(by_rule, table.column(column).to_pylist(), strict=True)]


def _read(store: VersionStore, ref: str, path: str) -> pa.Table | None:
    from forge_data.store import read_table

    try:
        return read_table(store, ref, path)
    except NotFound:
        return None


def _keep(table: pa.Table, hits: list[bool]) -> pa.Table:
    return table.filter(pa.array([not h for h in hits], pa.bool_()))


# --- the store -------------------------------------------------------------------------------


def _remove_from_main(cfg, store, base, req: Request, raw_records, raw_rejects) -> Removal:
    from forge_data.steps.publish import read_manifest
    from forge_data.store.factory import write_table

    removal = Removal(reject_ids=set(raw_rejects))
    tables: dict[str, pa.Table] = {}
    for source in cfg.sources:
        for prefix in layout.PER_SOURCE:
            table = _read(store, base, layout.source_path(prefix, source.name))
            if table is not None:
                tables[layout.source_path(prefix, source.name)] = table
    duplicates = _read(store, base, layout.DUPLICATES_PATH)

    # Which records go: those matching the request in main or in the sources' raw snapshots.
    removal.record_ids = set(raw_records)
    for path, table in tables.items():
        if path.startswith(layout.RECORDS_PREFIX):
            removal.record_ids |= {i for i, h in zip(table.column("id").to_pylist(), _hits(table, req.rules, set()), strict=True) if h}  # fmt: skip
    if duplicates is not None:
        hit = _hits(duplicates, req.rules, removal.record_ids)
        removal.record_ids |= {i for i, h in zip(duplicates.column("id").to_pylist(), hit, strict=True) if h}
    keys = removal.record_ids | {f"q:{i}" for i in removal.reject_ids}

    counts = {"records": 0, "code_units": 0, "quarantine": 0, "duplicates": 0, "ledger": 0}
    changed: dict[str, pa.Table] = {}
    for path, table in tables.items():
        if path.startswith(layout.LEDGER_PREFIX):
            hit = [k in keys for k in table.column("key").to_pylist()]
            removal.clusters |= {
                c for c, h in zip(table.column("cluster_id").to_pylist(), hit, strict=True) if h and c
            }
    for path, table in tables.items():
        if path.startswith(layout.RECORDS_PREFIX):
            hit, name = [i in removal.record_ids for i in table.column("id").to_pylist()], "records"
        elif path.startswith(layout.UNITS_PREFIX):
            hit, name = [i in removal.record_ids for i in table.column("record_id").to_pylist()], "code_units"
        elif path.startswith(layout.QUARANTINE_PREFIX):
            ids = table.column("id").to_pylist()
            stages = table.column("stage").to_pylist()
            by_rule = req.rules.mask(table)
            hit = [r or (i in removal.reject_ids if s == "ingest" else i in removal.record_ids) for i, s, r in zip(ids, stages, by_rule, strict=True)]  # fmt: skip
            name = "quarantine"
        else:
            table, hit = _mark_clusters(table, keys, removal.clusters), [k in keys for k in table.column("key").to_pylist()]  # fmt: skip
            name = "ledger"
        counts[name] += sum(hit)
        if any(hit) or name == "ledger":
            changed[path] = _keep(table, hit)
    if duplicates is not None:
        hit = [i in removal.record_ids for i in duplicates.column("id").to_pylist()]
        counts["duplicates"] = sum(hit)
        if any(hit):
            changed[layout.DUPLICATES_PATH] = _keep(duplicates, hit)
    removal.counts = counts
    if not any(counts.values()):
        return removal

    branch = f"forget-{req.id}"
    store.create_branch(branch, source=base)
    for path, table in changed.items():
        write_table(store, branch, path, table)
    manifest = _manifest_after(read_manifest(store, base), tables, changed)
    store.write(branch, layout.MANIFEST_PATH, json.dumps(manifest, indent=2, sort_keys=True).encode())
    metadata = {
        "forget_request": req.id,
        "by": req.by,
        "identifier": req.identifier,
        "reason": req.reason[:500],
        **{f"removed_{k}": str(v) for k, v in counts.items()},
    }
    store.commit(branch, f"Forget request {req.id}", metadata=metadata)
    removal.commit = store.merge(branch, store.main, message=f"Forget request {req.id}", metadata=metadata).id
    store.delete_branch(branch)
    return removal


def _mark_clusters(ledger: pa.Table, keys: set[str], clusters: set[str]) -> pa.Table:
    """Members of clusters that lose a member get an empty fingerprint: the next run decides them again."""
    stale = pc.and_(
        pc.is_in(ledger.column("cluster_id"), pa.array(sorted(clusters), pa.string())),
        pc.invert(pc.is_in(ledger.column("key"), pa.array(sorted(keys), pa.string()))),
    )
    fingerprints = pc.if_else(pc.fill_null(stale, False), "", ledger.column("fingerprint"))
    return ledger.set_column(ledger.schema.get_field_index("fingerprint"), "fingerprint", fingerprints)


def _manifest_after(manifest: dict, before: dict, after: dict) -> dict:
    """Removed inputs move from kept / duplicates / quarantined to suppressed; inputs stay the same."""
    by_source = {k: dict(v) for k, v in manifest.get("by_source", {}).items()}
    for path, ledger in after.items():
        if not path.startswith(layout.LEDGER_PREFIX):
            continue
        name = layout.source_of(path)
        outcomes = ledger.column("outcome").to_pylist()
        entry = by_source.setdefault(name, {})
        entry["suppressed"] = entry.get("suppressed", 0) + before[path].num_rows - ledger.num_rows
        for key, outcome in (("kept", "kept"), ("duplicates", "duplicate"), ("quarantined", "quarantined")):
            entry[key] = outcomes.count(outcome)
        units = after.get(layout.source_path(layout.UNITS_PREFIX, name))
        if units is not None:
            entry["code_units"] = units.num_rows
    totals = {k: sum(v.get(k, 0) for v in by_source.values()) for k in ("kept", "duplicates", "quarantined", "suppressed")}  # fmt: skip
    from forge_data.steps.publish import accounting

    out = dict(
        manifest, by_source=by_source, code_units=sum(v.get("code_units", 0) for v in by_source.values())
    )
    out.update(accounting(manifest["inputs"], **totals))
    return out


# --- the workspace ---------------------------------------------------------------------------


def _clean_workspace(cfg: ForgeConfig, ws: Workspace, req: Request, removal: Removal, base: str) -> dict:
    """Drop the rows from the snapshots, the curation steps' tables and stats, and the dedup index."""
    from forge_data.steps import dedup_state
    from forge_data.steps.ingest import resuppress

    out: dict[str, int] = {"snapshot_rows": sum(resuppress(ws, s.name) for s in cfg.sources)}
    for name in ("filtered", "filter_quarantine", "deduplicated", "redacted", "code_units"):
        path = ws.curated(name)
        if path.is_file():
            table = read_parquet(path)
            hit = _hits(table, req.rules, removal.record_ids, "record_id" if name == "code_units" else "id")
            if any(hit):
                write_parquet(_keep(table, hit), path)
            out[name] = sum(hit)
    for stats in ws.curate.glob("*.stats.json"):
        data = json.loads(stats.read_text())
        cleaned = _scrub_json(data, removal.record_ids, req.rules)
        if cleaned != data:
            write_json(cleaned, stats)
    store_after = removal.commit or base
    out["dedup_index_followed"] = dedup_state.restamp(
        ws, base, store_after, removal.clusters, removal.record_ids
    )
    # A run staged before this request must not promote an index that still holds the data.
    staged = dedup_state.staged_dir(ws)
    out["staged_dedup_index_dropped"] = staged.exists()
    if staged.exists():
        shutil.rmtree(staged)
    return out


def _scrub_json(value: Any, ids: set[str], rules: Suppressions) -> Any:
    """Stats with every example naming a removed record taken out."""
    if isinstance(value, dict):
        if value.get("id") in ids or (
            isinstance(value.get("uri"), str) and rules.matches({"uri": value["uri"]})
        ):
            return None
        return {k: _scrub_json(v, ids, rules) for k, v in value.items()}
    if isinstance(value, list):
        items = [_scrub_json(v, ids, rules) for v in value]
        return [v for v, old in zip(items, value, strict=True) if not (v is None and isinstance(old, dict))]
    return value


# --- models and the log ----------------------------------------------------------------------


def _mark_stale(ws: Workspace, entries: list, why: str) -> list[dict[str, Any]]:
    from forge_data.registry import mark_stale

    out = []
    for e in entries:
        was = e.status
        if e.status == "active":
            e = mark_stale(ws.registry, e.name, e.version, why)
        out.append({"model": e.ref, "data_commit": e.data_commit, "status": e.status, "was": was})
    return out


def _log(ws: Workspace, entry: dict[str, Any]) -> Path:
    path = suppression.forget_dir(ws.root) / LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True, default=str) + "\n")
    return path
