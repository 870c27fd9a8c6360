"""Curation steps: quality filters, deduplication, redaction, code units — on this run's batch.

The filter step first makes the run's plan (:mod:`forge_data.steps.plan`): in a full run the batch
is every ingested record; in an incremental run only the records that are new or changed since
the published commit, plus the unchanged members of duplicate clusters they touch. Every later
step works on that batch, and staging merges it into what main already holds.

Order matters: duplicates go before redaction (no point redacting what is dropped), and code
units are cut from *redacted* text, so no unit can carry a secret the file-level pass removed.
Records enter dedup in a fixed order (source as configured, then uri), so ties in the keep policy
are broken the same way in a full and an incremental run.
"""

from __future__ import annotations

import functools

import pyarrow as pa
import pyarrow.compute as pc

from forge_data.config import ForgeConfig, PiiConfig
from forge_data.schema import QUARANTINE_SCHEMA, RECORD_SCHEMA
from forge_data.steps import dedup_state, snapshot
from forge_data.steps import plan as planning
from forge_data.store import VersionStore
from forge_data.tables import read_json, read_parquet, write_json, write_parquet
from forge_data.workspace import Workspace


def ingested_inputs(cfg: ForgeConfig, ws: Workspace) -> dict[str, int]:
    """Every source's input count from its last ingest (records + quarantined + suppressed)."""
    inputs = {}
    for source in cfg.sources:
        path = ws.ingest_stats(source.name)
        if not path.is_file():
            raise FileNotFoundError(f"source {source.name!r} has not been ingested yet (no {path})")
        inputs[source.name] = read_json(path)["inputs"]
    return inputs


def snapshot_rows(
    cfg: ForgeConfig, ws: Workspace, ids: set[str] | None, *, rejects: bool = False
) -> pa.Table:
    """Raw records (or ingest rejects) of every source, all of them or those with ``ids``."""
    schema = QUARANTINE_SCHEMA if rejects else RECORD_SCHEMA
    parts = []
    for source in cfg.sources:
        table = read_parquet(ws.ingest_quarantine(source.name) if rejects else ws.ingest_records(source.name))
        if ids is not None:
            table = table.filter(pc.is_in(table.column("id"), pa.array(sorted(ids), pa.string())))
        parts.append(table)
    return pa.concat_tables(parts, promote_options="permissive") if parts else schema.empty_table()


def in_dedup_order(cfg: ForgeConfig, table: pa.Table) -> pa.Table:
    rank = {s.name: i for i, s in enumerate(cfg.sources)}
    ranks = pa.array([rank.get(s, len(rank)) for s in table.column("source").to_pylist()], pa.int32())
    order = pc.sort_indices(
        pa.table({"rank": ranks, "uri": table.column("uri")}), [("rank", "ascending"), ("uri", "ascending")]
    )
    return table.take(order)


def filter_records(
    cfg: ForgeConfig, ws: Workspace, store: VersionStore | None = None, *, full: bool | None = None
) -> dict:
    from forge_data.filters import apply_filters
    from forge_data.store import open_store

    inputs = ingested_inputs(cfg, ws)
    plan = planning.make(cfg, ws, store or open_store(cfg.store, cfg.resolve), full)
    planning.save(ws, plan)
    batch = snapshot_rows(cfg, ws, None if plan.full else plan.ids("changed", "pulled"))
    kept, quarantine, stats = apply_filters(batch, cfg.curation.filters)
    write_parquet(in_dedup_order(cfg, kept), ws.curated("filtered"))
    write_parquet(quarantine, ws.curated("filter_quarantine"))
    stats = dict(stats, ingested_inputs=inputs, **plan.summary())
    write_json(stats, ws.curate_stats("filtered"))
    return stats


def deduplicate(cfg: ForgeConfig, ws: Workspace) -> dict:
    from forge_data.dedup import deduplicate as dedup

    plan = planning.load(ws)
    batch = read_parquet(ws.curated("filtered"))
    if plan.full:
        index = dedup_state.empty(cfg.curation.dedup)
        result = dedup(batch, cfg.curation.dedup, index=index)
        pulled = 0
    else:
        result, index, pulled = _dedup_against_main(cfg, ws, plan, batch)
        planning.save(ws, plan)
    dedup_state.save_staged(ws, index, plan.id)
    write_parquet(result.table, ws.curated("deduplicated"))
    stats = dict(result.stats, mode=plan.mode, pulled_by_index=pulled, index_entries=len(index))
    write_json(stats, ws.curate_stats("deduplicated"))
    return stats


def deduplicate_partition(cfg: ForgeConfig, records: pa.Table):
    """Deduplicate one partition against the shared Redis index forge.yaml names (a ``DedupResult``).

    Workers call this on different partitions at once; the index resolves each cluster in one
    atomic script (forge_data/dedup/redis_index.py), so no two of them keep members of one cluster.
    """
    from forge_data.dedup import RedisIndex
    from forge_data.dedup import deduplicate as dedup

    dcfg = cfg.curation.dedup
    return dedup(records, dcfg, index=RedisIndex.from_settings(dcfg))


def _dedup_against_main(cfg: ForgeConfig, ws: Workspace, plan: planning.Plan, batch: pa.Table):
    """Dedup the batch against main's index, deciding again every published cluster it meets.

    A changed record that near-duplicates a published one would otherwise always lose to it; a
    full run picks the cluster's keeper by the keep policy among all members. So each published
    cluster the batch matches is pulled into the batch (its members re-read from the snapshots)
    and taken out of the index, until the batch matches nothing published.
    """
    from forge_data.dedup import deduplicate as dedup
    from forge_data.filters import apply_filters

    dcfg = cfg.curation.dedup
    index = dedup_state.load_for(ws, plan.base, dcfg)
    if index is None:
        raise RuntimeError("the saved dedup index no longer describes main's head: rerun with a full run")
    m = plan.members
    touched = pa.array(sorted(plan.keys("changed", "removed", "pulled")), pa.string())
    affected = set(m.filter(pc.is_in(m.column("key"), touched)).column("cluster_id").to_pylist())
    index = dedup_state.without(index, affected, plan.ids("changed", "removed"))
    pulled = 0
    while True:
        trial = dedup_state.without(index)
        result = dedup(batch, dcfg, index=trial)
        in_batch = set(batch.column("id").to_pylist())
        matched = {c for c in result.table.column("cluster_id").to_pylist() if c not in in_batch}
        if not matched:
            return result, trial, pulled
        added = plan.pull(matched, in_batch | plan.ids("changed", "removed"))
        extra, rejected, _ = apply_filters(snapshot_rows(cfg, ws, set(added.column("id").to_pylist())))
        if rejected.num_rows:  # filters are deterministic; a published member failing them now is a bug
            raise RuntimeError(f"{rejected.num_rows} published records no longer pass the filters")
        pulled += extra.num_rows
        batch = in_dedup_order(cfg, pa.concat_tables([batch, extra.cast(batch.schema)]))
        index = dedup_state.without(index, matched)


def kept_records(ws: Workspace) -> pa.Table:
    table = read_parquet(ws.curated("deduplicated"))
    return table.filter(pc.field("keep"))


@functools.lru_cache(maxsize=2)
def _redactor(pii_json: str, key: bytes):
    """Loading spaCy and Presidio is a fixed cost: pay it once per process and settings."""
    from forge_data.pii import Redactor

    return Redactor(PiiConfig.model_validate_json(pii_json), key)


def redactor_with(pii: PiiConfig, key: bytes):
    """The Redactor for these settings and key; curation and the residual audit share one per process."""
    return _redactor(pii.model_dump_json(), key)


def redactor_for(cfg: ForgeConfig, ws: Workspace):
    from forge_data.pii import load_pseudonym_key

    pii = cfg.curation.pii
    return redactor_with(pii, load_pseudonym_key(pii, ws.root))


def redact(cfg: ForgeConfig, ws: Workspace, *, samples: int = 3) -> dict:
    from forge_data.pii.redactor import NO_PASSES

    records = kept_records(ws)
    pii = cfg.curation.pii
    if not pii.enabled:
        table, stats = (
            records,
            {
                "records": records.num_rows,
                "entities": 0,
                "by_type": {},
                "disabled": True,
                **NO_PASSES,
            },
        )
    elif records.num_rows == 0:  # nothing changed: no need to load the models
        table, stats = (
            records,
            {"records": 0, "records_with_pii": 0, "entities": 0, "by_type": {}, **NO_PASSES},
        )
    else:
        table, stats = redactor_for(cfg, ws).redact_table(records)
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

    units, stats = extract_units(read_parquet(ws.curated("redacted")), cfg.curation.code)
    write_parquet(units, ws.curated("code_units"))
    write_json(stats, ws.curate_stats("code_units"))
    return stats


def batch_inputs(cfg: ForgeConfig, ws: Workspace, keys: set[str]) -> pa.Table:
    """The snapshot inputs (key, id, origin, unit, fingerprint) of ``keys``, with their source."""
    parts = []
    for source in cfg.sources:
        inputs = snapshot.load_inputs(ws, source.name)
        inputs = inputs.filter(pc.is_in(inputs.column("key"), pa.array(sorted(keys), pa.string())))
        parts.append(inputs.append_column("source", pa.array([source.name] * inputs.num_rows, pa.string())))
    return pa.concat_tables(parts)
