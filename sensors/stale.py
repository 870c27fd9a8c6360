"""Deletion: a model marked stale (``forge forget`` removed data it was trained on) is retrained.

``forge forget`` flags every registry entry trained on the removed data with
:func:`forge_data.registry.mark_stale`. For this project's model, when the newest version is stale
(no newer version has replaced it yet), the ``retrain`` job is requested with the run key
``stale:<name>/<version>``; it trains on main's head, which no longer holds the removed data.
Older stale versions that a newer one already replaced need nothing.
"""

import dagster as dg

from assets.resources import ForgeProject
from forge_data.config import ForgeConfig
from forge_data.registry import list_models
from sensors.common import TRIGGER_TAG, dump_cursor, forge_sensor, load_cursor, version_number


def build_stale_models(cfg: ForgeConfig, retrain_job) -> dg.SensorDefinition:
    settings = cfg.keep_current.stale_models

    @forge_sensor(
        "stale_models",
        retrain_job,
        settings,
        "The newest version of this project's model marked stale by forge forget "
        "(it saw data that was deleted) → a retraining run on main's head, run key stale:<model>/<version>.",
    )
    def stale_models(context: dg.SensorEvaluationContext, project: ForgeProject) -> dg.SensorResult:
        cfg = project.config()
        registry = project.workspace().registry
        entries = list_models(registry, cfg.project.name) if registry.is_dir() else []
        handled = set(load_cursor(context.cursor).get("handled", []))
        newest = max(entries, key=version_number, default=None)
        stale = [e for e in entries if e.status == "stale"]
        if newest is None or newest.status != "stale":
            superseded = f"; {len(stale)} stale versions already replaced by {newest.ref}" if stale else ""
            reason = f"no stale model to retrain ({len(entries)} versions of {cfg.project.name}{superseded})"
            return dg.SensorResult(skip_reason=reason, cursor=context.cursor)
        cursor = dump_cursor({"handled": sorted(handled | {newest.ref})})
        if newest.ref in handled:
            return dg.SensorResult(
                skip_reason=f"{newest.ref} is stale and its retraining was already requested", cursor=cursor
            )
        request = dg.RunRequest(
            run_key=f"stale:{newest.ref}",
            tags={TRIGGER_TAG: "deletion", "forge/stale_model": newest.ref},
        )
        context.log.info(f"{newest.ref} is stale since {newest.stale_at}; requesting retraining")
        return dg.SensorResult(run_requests=[request], cursor=cursor)

    return stale_models
