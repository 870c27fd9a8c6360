"""Schedules: nightly curation and periodic retraining, cron strings in ``keep_current.schedules``.

Both start stopped unless ``enabled: true`` in forge.yaml (they spend machine and GPU time on a
fixed clock, which a steward should opt into); either can be started in the UI's Automation tab.

- ``nightly_curation`` re-ingests every source (one run per partition, run key
  ``nightly:<date>:<source>``) under one ``forge/change`` batch, so ``curate_after_ingest`` curates
  once when they have all succeeded: a full pass that also catches what the sensors cannot see, such
  as a file deleted from an export while no sensor was watching.
- ``periodic_retraining`` runs the ``retrain`` job (tokenizer, continued pretraining through RL,
  evaluation, registration) on main's head.
"""

import dagster as dg

from forge_data.config import ForgeConfig, ScheduleConfig
from sensors.common import CHANGE_KEYS_TAG, CHANGE_TAG, TRIGGER_TAG


def _status(cfg: ScheduleConfig) -> dg.DefaultScheduleStatus:
    return dg.DefaultScheduleStatus.RUNNING if cfg.enabled else dg.DefaultScheduleStatus.STOPPED


def build_nightly_curation(cfg: ForgeConfig, ingest_job) -> dg.ScheduleDefinition:
    settings = cfg.keep_current.schedules
    names = [s.name for s in cfg.sources]

    @dg.schedule(
        name="nightly_curation",
        job=ingest_job,
        cron_schedule=settings.curation.cron,
        execution_timezone=settings.timezone,
        default_status=_status(settings.curation),
        description=f"Re-ingest every source, then curate and publish once all succeeded "
        f"(keep_current.schedules.curation: '{settings.curation.cron}' {settings.timezone}).",
    )
    def nightly_curation(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
        day = context.scheduled_execution_time.strftime("%Y-%m-%dT%H%M")
        keys = {name: f"nightly:{day}:{name}" for name in names}
        tags = {
            TRIGGER_TAG: "nightly",
            CHANGE_TAG: f"nightly-{day}",
            CHANGE_KEYS_TAG: ",".join(keys.values()),
        }
        return [dg.RunRequest(run_key=key, partition_key=name, tags=tags) for name, key in keys.items()]

    return nightly_curation


def build_periodic_retraining(cfg: ForgeConfig, retrain_job) -> dg.ScheduleDefinition:
    settings = cfg.keep_current.schedules
    return dg.ScheduleDefinition(
        name="periodic_retraining",
        job=retrain_job,
        cron_schedule=settings.retraining.cron,
        execution_timezone=settings.timezone,
        default_status=_status(settings.retraining),
        tags={TRIGGER_TAG: "schedule"},
        description=f"Retrain on main's head: tokenizer, continued pretraining through RL, evaluation and "
        f"registration (keep_current.schedules.retraining: '{settings.retraining.cron}' {settings.timezone}).",
    )
