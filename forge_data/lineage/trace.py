"""Which data commits, training datasets and models contain a record, a uri or an author.

Datasets are built per data commit (``<state>/datasets/<commit>/datasets.json`` names it) and
every registered model names its data commit, so once the commits holding a key are known, the
datasets and models follow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forge_data.config import ForgeConfig
from forge_data.lineage.index import LineageIndex
from forge_data.lineage.keys import identifier_hash, identifier_hashes
from forge_data.store import VersionStore
from forge_data.tables import read_json
from forge_data.workspace import Workspace


def query_keys(
    cfg: ForgeConfig, *, record: str | None, uri: str | None, author: str | None
) -> tuple[str, set[str]]:
    """The index kind and keys a question asks for (an author becomes its hashed ids)."""
    given = [(k, v) for k, v in (("record", record), ("uri", uri), ("author", author)) if v]
    if len(given) != 1:
        raise ValueError("ask about exactly one of a record id, a uri or an author")
    kind, value = given[0]
    return kind, identifier_hashes(cfg, value) if kind == "author" else {value}


def datasets_from(ws: Workspace, commits: set[str]) -> list[dict[str, Any]]:
    """Training datasets built from any of ``commits``."""
    out = []
    for info_path in sorted((ws.root / "datasets").glob("*/datasets.json")):
        info = read_json(info_path)
        if info.get("data_commit") in commits:
            out.append({"folder": str(info_path.parent), "data_commit": info["data_commit"]})
    return out


def models_from(ws: Workspace, commits: set[str]) -> list[Any]:
    from forge_data.registry import list_models

    return [e for e in list_models(ws.registry) if e.data_commit in commits]


def trace(
    cfg: ForgeConfig,
    store: VersionStore,
    *,
    record: str | None = None,
    uri: str | None = None,
    author: str | None = None,
) -> dict[str, Any]:
    ws = Workspace(cfg.state_dir)
    kind, keys = query_keys(cfg, record=record, uri=uri, author=author)
    index = LineageIndex(ws.lineage)
    newly_indexed = index.update(store)
    hits = index.find(kind, keys)
    commits = {h["commit"] for h in hits}
    head = store.head(store.main)
    shown = {"record": record, "uri": uri, "author": f"sha256:{identifier_hash(author)}" if author else None}
    return {
        "query": {"by": kind, "value": shown[kind], "keys": sorted(keys) if kind == "author" else None},
        "found": bool(hits),
        "in_main_head": head in commits,
        "data_commits": [
            {"commit": h["commit"], "created_at": h["created_at"], "sources": h["sources"]} for h in hits
        ],
        "datasets": datasets_from(ws, commits),
        "models": [
            {"model": e.ref, "data_commit": e.data_commit, "status": e.status, "path": str(Path(e.path))}
            for e in models_from(ws, commits)
        ],
        "indexed_commits": len(index.commits()),
        "newly_indexed": newly_indexed,
    }
