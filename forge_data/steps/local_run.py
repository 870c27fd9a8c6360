"""The curation path in one call, without Dagster: ingest every source, curate, stage, publish.

For scripts, tests and benches. The Dagster graph runs the same steps with the blocking checks
between staging and publishing; here ``audit`` runs them (``forge_data.audit``), or they are left
out when the caller measures the steps alone.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from forge_data.config import ForgeConfig
from forge_data.steps import curate, ingest, publish
from forge_data.store import VersionStore
from forge_data.workspace import Workspace


def run_curation(
    cfg: ForgeConfig,
    store: VersionStore | None = None,
    *,
    run_id: str | None = None,
    full: bool | None = None,
    audit: bool = False,
) -> dict[str, Any]:
    """Returns the staged and published results and the seconds each step took."""
    from forge_data.store import open_store

    store = store or open_store(cfg.store, cfg.resolve)
    ws = Workspace(cfg.state_dir)
    run_id = run_id or uuid.uuid4().hex
    seconds: dict[str, float] = {}

    def timed(name: str, fn, *args, **kw):
        started = time.perf_counter()
        out = fn(*args, **kw)
        seconds[name] = round(seconds.get(name, 0.0) + time.perf_counter() - started, 4)
        return out

    ingested = {s.name: timed("ingest", ingest.ingest, cfg, ws, s.name, full=full) for s in cfg.sources}
    timed("filter", curate.filter_records, cfg, ws, store, full=full)
    timed("dedup", curate.deduplicate, cfg, ws)
    timed("redact", curate.redact, cfg, ws)
    timed("code_units", curate.code_units, cfg, ws)
    staged = timed("stage", publish.stage, cfg, ws, store, run_id)
    problems = _audit(cfg, ws, store, staged["branch"]) if audit else []
    published = (
        None if problems else timed("publish", publish.publish, store, staged["branch"], run_id, ws=ws)
    )
    return {
        "ingest": ingested,
        "staged": staged,
        "published": published,
        "problems": problems,
        "seconds": seconds,
    }


def _audit(cfg: ForgeConfig, ws: Workspace, store: VersionStore, ref: str) -> list[str]:
    from forge_data import audit

    checks = {
        "schema": audit.schema(store, ref),
        "accounting": audit.accounting(store, ref),
        "quarantine_rate": audit.quarantine_rate(cfg, store, ref),
        "duplicate_rate": audit.duplicate_rate(cfg, store, ref),
    }
    return [f"check {name} failed" for name, (passed, _) in checks.items() if not passed]
