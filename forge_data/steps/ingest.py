"""Ingest one configured source into the workspace, reading only what changed since the last ingest.

The workspace keeps a snapshot of every source (see :mod:`forge_data.steps.snapshot`): the full
current records and rejects, not just what the last run read. A rerun reads only the units that
changed — for git the files changed since the last ingested commit (``since=``), for a wiki the
files whose content hash changed, for a chat export the whole export when any file of it changed
— and merges them into the snapshot. A full read happens when asked (``full=True`` or
``FORGE_FULL=1``), when there is no snapshot, or when the source's settings or the author-hash key
changed.

Rows that a `forge forget` request suppressed are dropped here, every run, and counted:
``inputs = records + quarantined + suppressed``.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

import pyarrow.compute as pc

from forge_data.config import ForgeConfig, SourceConfig
from forge_data.steps import snapshot
from forge_data.steps.snapshot import Snapshot
from forge_data.steps.source_units import changed_files, file_hashes, scheme_for, settings_hash
from forge_data.tables import write_json
from forge_data.workspace import Workspace

FULL_ENV = "FORGE_FULL"


def full_requested(full: bool | None = None) -> bool:
    """An explicit request wins; otherwise ``FORGE_FULL=1`` in the environment asks for full runs."""
    if full is not None:
        return full
    return os.environ.get(FULL_ENV, "").strip().lower() in ("1", "true", "yes")


def ingest(cfg: ForgeConfig, ws: Workspace, source_name: str, *, full: bool | None = None) -> dict:
    from forge_data.ingest.paths import resolve_source_path

    started = time.perf_counter()
    source = cfg.source(source_name)
    settings = settings_hash(source)
    prev, reason = None, "full run requested"
    if not full_requested(full):
        prev = snapshot.load(ws, source_name)
        reason = "no previous snapshot" if prev is None else "source settings changed"
        if prev is not None and prev.state.get("settings") != settings:
            prev = None
    root = resolve_source_path(source.path, cfg.base_dir)
    read = _read_git if source.kind == "git" else _read_files
    snap, info = read(cfg, source, root, prev)
    if info["mode"] == "full" and prev is None:
        info["reason"] = reason
    snap.state.update(settings=settings)
    rows = snap.records.num_rows + snap.quarantine.num_rows
    snap = apply_suppression(ws, snap)
    if info["mode"] != "unchanged" or rows != snap.records.num_rows + snap.quarantine.num_rows:
        snapshot.save(ws, source_name, snap)
    stats = _stats(source, snap, info)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    write_json(stats, ws.ingest_stats(source_name))
    return stats


# --- reading ---------------------------------------------------------------------------------


def _ingest(cfg: ForgeConfig, source: SourceConfig, **kw: Any):
    from forge_data.ingest import ingest_source

    return ingest_source(source, base_dir=cfg.base_dir, **kw)


def _fresh(result, units: tuple[list[str], list[str]]) -> Snapshot:
    inputs = snapshot.inputs_of(result.records, result.quarantine, units)
    return Snapshot(result.records, result.quarantine, inputs, {})


def _units(result, unit) -> tuple[list[str], list[str]]:
    return (
        [unit(p["path"]) for p in result.records.column("provenance").to_pylist()],
        [unit(p["path"]) for p in result.quarantine.column("provenance").to_pylist()],
    )


def _full_info(result, reason: str = "") -> dict[str, Any]:
    n = result.records.num_rows + result.quarantine.num_rows
    return {"mode": "full", "reason": reason, "rows_read": n, "extra": result.stats}


def _read_git(cfg, source, root, prev: Snapshot | None) -> tuple[Snapshot, dict[str, Any]]:
    from forge_data.ingest import IngestError

    head = prev.state.get("head") if prev is not None else None
    if head:
        try:
            result = _ingest(cfg, source, since=head)
        except IngestError:
            result = None  # the last ingested commit is gone (history rewritten): read it all
        if result is not None and result.stats.get("licence") == prev.state.get("licence"):
            repo = result.stats["repo"]
            removed = {uri[len(repo) + 1 :] for uri in result.deleted}
            units = _units(result, lambda path: path)
            replaced = set(units[0]) | set(units[1]) | removed
            merged = prev.without_units(replaced).plus(_fresh(result, units))
            if merged.has_unique_keys():
                merged.state = {
                    **prev.state,
                    "head": result.stats["head"],
                    "suppressed": _pruned(prev, replaced),
                }
                info = {
                    "mode": "incremental" if replaced or result.stats["head"] != head else "unchanged",
                    "reason": f"{len(replaced)} paths changed since {head[:12]}",
                    "units_read": len(replaced - removed),
                    "units_removed": len(removed),
                    "rows_read": result.records.num_rows + result.quarantine.num_rows,
                    "deleted": sorted(result.deleted),
                    "extra": {**prev.state.get("extra", {}), **_git_extra(result.stats)},
                }
                return merged, info
    result = _ingest(cfg, source)
    snap = _fresh(result, _units(result, lambda path: path))
    snap.state = {
        "head": result.stats["head"],
        "licence": result.stats.get("licence"),
        "extra": _git_extra(result.stats),
    }
    info = _full_info(result, "" if not head else "incremental read not possible")
    info["deleted"] = _removed_uris(prev, snap)
    return snap, info


def _git_extra(stats: dict[str, Any]) -> dict[str, Any]:
    keep = ("repo", "licence", "licence_file", "head")
    return {k: stats.get(k) for k in keep}


def _read_files(cfg, source, root, prev: Snapshot | None) -> tuple[Snapshot, dict[str, Any]]:
    """Wiki and chat sources: compare content hashes of files with the last snapshot's."""
    hashes, excluded = file_hashes(source, root)
    scheme = scheme_for(source.kind, root, set(hashes))
    if prev is not None and "" not in set(prev.inputs.column("unit").to_pylist()):
        added, removed = changed_files(prev.state.get("files", {}), hashes)
        base = {"units_removed": len(removed), "excluded_by_config": excluded}
        changed = {scheme.file_unit(p) for p in added | removed}
        if not changed:
            snap = Snapshot(prev.records, prev.quarantine, prev.inputs, dict(prev.state))
            return snap, {"mode": "unchanged", "reason": "no file changed", "units_read": 0, "rows_read": 0,
                          **base, "extra": prev.state.get("extra", {})}  # fmt: skip
        partial = scheme.partial(changed)
        if partial is not None:
            replaced, include = partial
            part = _ingest(cfg, source.model_copy(update={"include": include})) if include else None
            merged, orphans = prev.without_units(replaced), False
            if part is not None:
                units = _units(part, scheme.row_unit)
                orphans = None in units[0] or None in units[1]
                merged = merged.plus(_fresh(part, units))
            if not orphans and merged.has_unique_keys():
                merged.state = {**prev.state, "files": hashes, "suppressed": _pruned(prev, replaced)}
                info = {
                    "mode": "incremental",
                    "reason": f"{len(added)} files added or changed, {len(removed)} removed",
                    "units_read": len(changed & scheme.units),
                    "rows_read": (part.records.num_rows + part.quarantine.num_rows) if part else 0,
                    "deleted": _removed_uris(prev, merged),
                    **base,
                    "extra": {
                        **prev.state.get("extra", {}),
                        "bytes_read": part.stats["bytes"] if part else 0,
                    },
                }
                return merged, info
    result = _ingest(cfg, source)
    snap = _fresh(result, _units(result, lambda path: scheme.row_unit(path) or ""))
    snap.state = {"files": hashes, "extra": result.stats}
    info = _full_info(result, "" if prev is None else "the changed files cannot be read on their own")
    info.update(deleted=_removed_uris(prev, snap), excluded_by_config=excluded)
    return snap, info


def _removed_uris(prev: Snapshot | None, now: Snapshot) -> list[str]:
    if prev is None:
        return []
    gone = set(prev.records.column("uri").to_pylist()) - set(now.records.column("uri").to_pylist())
    return sorted(gone)


# --- suppression -----------------------------------------------------------------------------


def _pruned(prev: Snapshot, units: set[str]) -> dict[str, int]:
    """Suppressed counts of the units not re-read (a re-read unit counts its suppressed rows afresh)."""
    return {u: n for u, n in prev.state.get("suppressed", {}).items() if u not in units}


def apply_suppression(ws: Workspace, snap: Snapshot) -> Snapshot:
    """Drop rows a forget request suppressed, counting them per unit in ``state["suppressed"]``."""
    from forge_data.lineage.suppression import Suppressions

    counts = Counter(snap.state.get("suppressed", {}))
    rules = Suppressions.load(ws.root)
    record_hit, reject_hit = rules.mask(snap.records), rules.mask(snap.quarantine)
    if any(record_hit) or any(reject_hit):
        keys, units = snap.inputs.column("key").to_pylist(), snap.inputs.column("unit").to_pylist()
        unit = dict(zip(keys, units, strict=True))
        for origin, table, hits in (
            ("record", snap.records, record_hit),
            ("quarantine", snap.quarantine, reject_hit),
        ):
            for row_id, hit in zip(table.column("id").to_pylist(), hits, strict=True):
                if hit:
                    counts[unit[snapshot.input_key(origin, row_id)]] += 1
        snap = snap.filter_rows([not h for h in record_hit], [not h for h in reject_hit])
    snap.state["suppressed"] = dict(sorted(counts.items()))
    return snap


# --- stats -----------------------------------------------------------------------------------


def _counts(values: list[Any]) -> dict[str, int]:
    return dict(sorted(Counter(v or "unknown" for v in values).items()))


def _stats(source: SourceConfig, snap: Snapshot, info: dict[str, Any]) -> dict[str, Any]:
    records, quarantine = snap.records, snap.quarantine
    suppressed = sum(snap.state.get("suppressed", {}).values())
    extra = {k: v for k, v in info.get("extra", {}).items() if k not in _COUNT_KEYS}
    formats = pc.struct_field(records.column("provenance"), "format").to_pylist() if records.num_rows else []
    return {
        **extra,
        "source": source.name,
        "kind": source.kind,
        "source_kind": source.kind,
        "inputs": records.num_rows + quarantine.num_rows + suppressed,
        "records": records.num_rows,
        "quarantined": quarantine.num_rows,
        "suppressed": suppressed,
        "by_format": _counts(formats),
        "by_language": _counts(records.column("language").to_pylist()),
        "by_kind": _counts(records.column("kind").to_pylist()),
        "by_reason": _counts(quarantine.column("reason").to_pylist()),
        "head": snap.state.get("head") or extra.get("head"),
        "deleted": info.get("deleted", []),
        "incremental": {k: v for k, v in info.items() if k not in ("extra", "deleted")},
    }


_COUNT_KEYS = {"inputs", "records", "quarantined", "by_format", "by_language", "by_kind", "by_reason",
               "deleted", "seconds", "source", "source_kind"}  # fmt: skip


def resuppress(ws: Workspace, source_name: str) -> int:
    """Apply the suppression list to a source's saved snapshot now (after a forget request)."""
    from forge_data.tables import read_json

    snap = snapshot.load(ws, source_name)
    if snap is None:
        return 0
    before = snap.records.num_rows + snap.quarantine.num_rows
    snap = apply_suppression(ws, snap)
    removed = before - snap.records.num_rows - snap.quarantine.num_rows
    if removed:
        snapshot.save(ws, source_name, snap)
        stats = read_json(ws.ingest_stats(source_name))
        stats.update(
            records=snap.records.num_rows,
            quarantined=snap.quarantine.num_rows,
            suppressed=sum(snap.state["suppressed"].values()),
        )
        write_json(stats, ws.ingest_stats(source_name))
    return removed
