"""Audits of a staged dataset: the logic behind the blocking checks, usable without Dagster.

Each audit returns ``(passed, metadata)`` where metadata holds counts and ids only.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from forge_data.config import ForgeConfig
from forge_data.schema import QUARANTINE_SCHEMA, RECORD_SCHEMA, validate
from forge_data.steps import publish
from forge_data.store import VersionStore


def _quarantine(store: VersionStore, ref: str) -> pa.Table:
    from forge_data.store.factory import read_table

    parts = [read_table(store, ref, o.path) for o in store.list(ref, publish.QUARANTINE_PREFIX)]
    return pa.concat_tables(parts) if parts else QUARANTINE_SCHEMA.empty_table()


def schema(store: VersionStore, ref: str) -> tuple[bool, dict]:
    records = publish.read_records(store, ref)
    problems = validate(records, RECORD_SCHEMA) if records.num_columns else ["no curated records"]
    problems += [f"quarantine: {p}" for p in validate(_quarantine(store, ref), QUARANTINE_SCHEMA)]
    return not problems, {"records": records.num_rows, "problems": "; ".join(problems) or "none"}


def accounting(store: VersionStore, ref: str) -> tuple[bool, dict]:
    manifest = publish.read_manifest(store, ref)
    records = publish.read_records(store, ref).num_rows
    quarantined = _quarantine(store, ref).num_rows
    ok = manifest["balanced"] and records == manifest["kept"] and quarantined == manifest["quarantined"]
    return ok, {
        "identity": manifest["identity"],
        "records_in_store": records,
        "quarantined_in_store": quarantined,
    }


def quarantine_rate(cfg: ForgeConfig, store: VersionStore, ref: str) -> tuple[bool, dict]:
    manifest = publish.read_manifest(store, ref)
    rate = manifest["quarantined"] / max(manifest["inputs"], 1)
    limit = cfg.checks.max_quarantine_rate
    return rate <= limit, {"quarantine_rate": round(rate, 4), "max_quarantine_rate": limit}


def duplicate_rate(cfg: ForgeConfig, store: VersionStore, ref: str) -> tuple[bool, dict]:
    manifest = publish.read_manifest(store, ref)
    considered = manifest["kept"] + manifest["duplicates"]
    rate = manifest["duplicates"] / max(considered, 1)
    limit = cfg.checks.max_duplicate_rate
    return rate <= limit, {"duplicate_rate": round(rate, 4), "max_duplicate_rate": limit}


def residual_pii(
    cfg: ForgeConfig, store: VersionStore, ref: str, key: bytes, cache_dir: Path | None = None
) -> tuple[bool, dict]:
    """Re-scan the redacted records, secrets included; anything above threshold fails the audit.

    With ``cache_dir``, records scanned before under the same setup are not scanned again.
    """
    from forge_data.pii.residual_cache import fingerprint, scan_with_cache
    from forge_data.steps.curate import redactor_with

    records = publish.read_records(store, ref)
    threshold = cfg.checks.residual_pii_threshold
    cache_file = (
        cache_dir / f"residual-{fingerprint(cfg.curation.pii, threshold, key)}.parquet" if cache_dir else None
    )
    findings, scanned = scan_with_cache(
        records, lambda rows: redactor_with(cfg.curation.pii, key).scan_residual(rows, threshold), cache_file
    )
    by_type: dict[str, int] = {}
    for f in findings:
        by_type[f["type"]] = by_type.get(f["type"], 0) + 1
    allowed = cfg.checks.max_residual_pii
    return len(findings) <= allowed, {
        "findings": len(findings),
        "allowed": allowed,
        "records_scanned": scanned,
        "records_reused": records.num_rows - scanned,
        "by_type": by_type,
        "record_ids": sorted({f["id"] for f in findings})[:20],
    }
