"""Curation steps: quality filters, deduplication, redaction, code units.

Order matters: duplicates go before redaction (no point redacting what is dropped), and code
units are cut from *redacted* text, so no unit can carry a secret the file-level pass removed.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from forge_data.config import ForgeConfig
from forge_data.schema import QUARANTINE_SCHEMA, RECORD_SCHEMA
from forge_data.tables import read_json, read_parquet, write_json, write_parquet
from forge_data.workspace import Workspace


def gather_ingested(cfg: ForgeConfig, ws: Workspace) -> tuple[pa.Table, pa.Table, dict]:
    """All sources' raw records and ingest quarantine, with per-source input counts."""
    records, quarantine, inputs = [], [], {}
    for source in cfg.sources:
        path = ws.ingest_records(source.name)
        if not path.is_file():
            raise FileNotFoundError(f"source {source.name!r} has not been ingested yet (no {path})")
        records.append(read_parquet(path))
        quarantine.append(read_parquet(ws.ingest_quarantine(source.name)))
        inputs[source.name] = read_json(ws.ingest_stats(source.name))["inputs"]
    return (
        pa.concat_tables(records, promote_options="permissive") if records else RECORD_SCHEMA.empty_table(),
        pa.concat_tables(quarantine) if quarantine else QUARANTINE_SCHEMA.empty_table(),
        inputs,
    )


def filter_records(cfg: ForgeConfig, ws: Workspace) -> dict:
    from forge_data.filters import apply_filters

    records, _, inputs = gather_ingested(cfg, ws)
    kept, quarantine, stats = apply_filters(records, cfg.curation.filters)
    write_parquet(kept, ws.curated("filtered"))
    write_parquet(quarantine, ws.curated("filter_quarantine"))
    stats = dict(stats, ingested_inputs=inputs)
    write_json(stats, ws.curate_stats("filtered"))
    return stats


def deduplicate(cfg: ForgeConfig, ws: Workspace) -> dict:
    from forge_data.dedup import deduplicate as dedup

    result = dedup(read_parquet(ws.curated("filtered")), cfg.curation.dedup)
    write_parquet(result.table, ws.curated("deduplicated"))
    write_json(result.stats, ws.curate_stats("deduplicated"))
    return result.stats


def kept_records(ws: Workspace) -> pa.Table:
    table = read_parquet(ws.curated("deduplicated"))
    return table.filter(pc.field("keep"))


def redact(cfg: ForgeConfig, ws: Workspace, *, samples: int = 3) -> dict:
    from forge_data.pii import Redactor, load_pseudonym_key

    records = kept_records(ws)
    pii = cfg.curation.pii
    if not pii.enabled:
        table, stats = records, {"records": records.num_rows, "entities": 0, "by_type": {}, "disabled": True}
    else:
        redactor = Redactor(pii, load_pseudonym_key(pii, ws.root))
        table, stats = redactor.redact_table(records)
    write_parquet(table, ws.curated("redacted"))
    # Samples are cut from redacted text only: this is what stewards may see.
    stats = dict(stats, samples=_samples(table, samples))
    write_json(stats, ws.curate_stats("redacted"))
    return stats


def _samples(table: pa.Table, n: int, width: int = 300) -> list[dict]:
    if "pii" in table.column_names:
        has_pii = pc.greater(pc.list_value_length(table.column("pii")), 0)
        table = table.filter(pc.fill_null(has_pii, False))
    rows = table.select(["id", "kind", "uri", "text"]).slice(0, n).to_pylist()
    return [dict(r, text=(r["text"] or "")[:width]) for r in rows]


def code_units(cfg: ForgeConfig, ws: Workspace) -> dict:
    from forge_data.code import extract_units

    units, stats = extract_units(read_parquet(ws.curated("redacted")))
    write_parquet(units, ws.curated("code_units"))
    write_json(stats, ws.curate_stats("code_units"))
    return stats
