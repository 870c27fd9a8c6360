"""The saved dedup index of the published data, kept in the workspace and stamped with its commit.

An incremental run checks its changed records against this index, so a new copy of a page that
is already published is still caught without re-reading the corpus. The index must describe
exactly what main holds, so it lives in two places:

    work/curate/dedup_index/          the index of main's data, ``stamp.json`` names that commit
    work/curate/dedup_index.staged/   the index a run built; promoted when its branch is merged

A run uses the current index only when its stamp is main's head; anything else (a failed
publish, a concurrent run, a crash mid-promotion) makes the next run a full one, which rebuilds it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from forge_data.config import DedupConfig
from forge_data.dedup import LshIndex, index_params, new_index
from forge_data.workspace import Workspace

STAMP = "stamp.json"


def current_dir(ws: Workspace) -> Path:
    return ws.curate / "dedup_index"


def staged_dir(ws: Workspace) -> Path:
    return ws.curate / "dedup_index.staged"


def _stamp(folder: Path) -> dict:
    path = folder / STAMP
    return json.loads(path.read_text()) if path.is_file() else {}


def describes(ws: Workspace, commit: str) -> bool:
    """Whether the saved index is the index of main's data at ``commit`` (without loading it)."""
    return _stamp(current_dir(ws)).get("commit") == commit


def load_for(ws: Workspace, commit: str, cfg: DedupConfig) -> LshIndex | None:
    """The index of main's data at ``commit``, or None when the saved one does not describe it."""
    if not describes(ws, commit):
        return None
    try:
        index = LshIndex.load(current_dir(ws))
        index.params.check(index_params(cfg))
    except (FileNotFoundError, ValueError):
        return None
    return index


def without(index: LshIndex, clusters: set[str] = frozenset(), ids: set[str] = frozenset()) -> LshIndex:
    """A copy of ``index`` without the entries of ``clusters`` and of ``ids``."""
    keep = [c not in clusters and i not in ids for c, i in zip(index.clusters, index.ids, strict=True)]
    out = LshIndex(index.params)
    key_at = {e: key for key, e in index.exact.items()}
    for old, kept in enumerate(keep):
        if kept:
            if old in key_at:
                out.exact.setdefault(key_at[old], len(out.ids))
            out.ids.append(index.ids[old])
            out.keepers.append(index.keepers[old])
            out.clusters.append(index.clusters[old])
    mask = np.array(keep, dtype=bool)
    out.sigs = index.sigs[mask].copy() if len(keep) else out.sigs
    out.valid = index.valid[mask].copy() if len(keep) else out.valid
    return out


def empty(cfg: DedupConfig) -> LshIndex:
    return new_index(cfg)


def _swap(new: Path, target: Path) -> None:
    """Put folder ``new`` in place of ``target``; a crash in between leaves no index (a full run next)."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def save_staged(ws: Workspace, index: LshIndex, plan_id: str) -> None:
    folder = staged_dir(ws)
    shutil.rmtree(folder, ignore_errors=True)
    index.save(folder)
    (folder / STAMP).write_text(json.dumps({"plan": plan_id}))


def promote(ws: Workspace, plan_id: str, commit: str) -> bool:
    """Make the staged index of ``plan_id`` the index of main at ``commit``; False if it is not staged."""
    staged, current = staged_dir(ws), current_dir(ws)
    if _stamp(staged).get("plan") != plan_id:
        return False
    (staged / STAMP).write_text(json.dumps({"commit": commit, "plan": plan_id}))
    _swap(staged, current)
    return True


def restamp(ws: Workspace, before: str, after: str, drop_clusters: set[str], drop_ids: set[str]) -> bool:
    """After a commit that removed records (a forget request): drop their entries and follow main.

    Only an index that described ``before`` can describe ``after``; others are left to be rebuilt.
    """
    folder = current_dir(ws)
    if _stamp(folder).get("commit") != before:
        return False
    index = without(LshIndex.load(folder), drop_clusters, drop_ids)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    index.save(tmp)
    (tmp / STAMP).write_text(json.dumps({"commit": after}))
    _swap(tmp, folder)
    return True
