"""Ingest one configured source into the workspace."""

from __future__ import annotations

from forge_data.config import ForgeConfig
from forge_data.tables import write_json, write_parquet
from forge_data.workspace import Workspace


def ingest(cfg: ForgeConfig, ws: Workspace, source_name: str, *, since: str | None = None) -> dict:
    from forge_data.ingest import ingest_source

    source = cfg.source(source_name)
    result = ingest_source(source, base_dir=cfg.base_dir, since=since)
    write_parquet(result.records, ws.ingest_records(source_name))
    write_parquet(result.quarantine, ws.ingest_quarantine(source_name))
    stats = dict(result.stats, source=source_name, kind=source.kind, deleted=list(result.deleted))
    write_json(stats, ws.ingest_stats(source_name))
    return stats
