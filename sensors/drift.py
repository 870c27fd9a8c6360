"""Data drift: when main's data has moved far enough from what the current model saw, retrain it.

The current model is the newest active entry of this project in the registry; its card names the
data commit it was trained on. When main's head differs, :func:`forge_data.drift.drift_between`
compares the two commits' curated records, and any figure over its threshold in
``keep_current.drift`` requests the ``retrain`` job (continued pretraining through RL and
evaluation) with the run key ``drift:<main head>``. Otherwise the skip reason quotes every figure
against its threshold. The figures of the last compared pair are kept in the cursor, so an
unchanged pair is never measured twice.
"""

import dagster as dg

from assets.resources import ForgeProject, VersionStoreResource
from forge_data.config import ForgeConfig
from forge_data.drift import drift_between
from forge_data.registry import RegistryEntry, list_models
from forge_data.store import StoreError
from sensors.common import TRIGGER_TAG, dump_cursor, forge_sensor, load_cursor, short, version_number


def current_model(registry_root, name: str) -> RegistryEntry | None:
    """The newest active version of ``name``: the model in service."""
    if not registry_root.is_dir():
        return None
    active = [e for e in list_models(registry_root, name) if e.status == "active"]
    return max(active, key=version_number, default=None)


def build_data_drift(cfg: ForgeConfig, retrain_job) -> dg.SensorDefinition:
    settings = cfg.keep_current.drift

    @forge_sensor(
        "data_drift",
        retrain_job,
        settings,
        "Main's data against the data the current model was trained on: word distribution "
        "divergence, share of new terms, length and language mix shifts (thresholds in "
        "keep_current.drift) → continued pretraining and RL, run key drift:<data commit>.",
    )
    def data_drift(
        context: dg.SensorEvaluationContext, project: ForgeProject, store: VersionStoreResource
    ) -> dg.SensorResult:
        cfg = project.config()
        model = current_model(project.workspace().registry, cfg.project.name)
        if model is None:
            return dg.SensorResult(
                skip_reason=f"no active model named {cfg.project.name} in the registry: nothing to compare against",
                cursor=context.cursor,
            )
        try:
            s = store.open()
            head = s.head(s.main)
        except (StoreError, OSError) as err:
            return dg.SensorResult(
                skip_reason=f"the version store cannot be read: {err}", cursor=context.cursor
            )
        if head == model.data_commit:
            return dg.SensorResult(
                skip_reason=f"{model.ref} is trained on main's head {short(head)}", cursor=context.cursor
            )
        pair = [model.data_commit, head]
        last = load_cursor(context.cursor)
        if last.get("pair") == pair:
            verdict = "retraining requested" if last.get("fired") else "below every threshold"
            return dg.SensorResult(
                skip_reason=f"{model.ref} ({short(model.data_commit)}) against main {short(head)} already "
                f"measured, {verdict}: {last.get('summary', '')}",
                cursor=context.cursor,
            )
        report = drift_between(s, model.data_commit, head, settings)
        fired = bool(report.exceeded)
        cursor = dump_cursor({"pair": pair, "fired": fired, "summary": report.summary()})
        if not fired:
            return dg.SensorResult(
                skip_reason=f"no drift worth retraining {model.ref} for: {report.summary()}", cursor=cursor
            )
        tags = {
            TRIGGER_TAG: "data-drift",
            "forge/data_commit": head,
            "forge/model": model.ref,
            "forge/drift_exceeded": ",".join(report.exceeded),
            **{f"forge/drift_{name}": f"{getattr(report, name):.4f}" for name in report.thresholds},
        }
        context.log.info(f"drift against {model.ref}: {report.summary()}")
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=f"drift:{head}", tags=tags)], cursor=cursor
        )

    return data_drift
