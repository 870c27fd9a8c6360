"""Sensors and schedules that keep the model current, each family in its own module.

===========================  ==================================================  =======================
sensor / schedule            fires on                                            launches
===========================  ==================================================  =======================
``new_source_data``          new commits in git sources, changed export files    ``ingest_sources`` per
                                                                                 changed partition
``curate_after_ingest``      every ingestion run of one batch succeeded          ``curate_and_publish``
``store_main_changed``       a commit on the store's main that Forge did not     ``curate_and_publish``
                             make
``data_drift``               main's data drifted from the current model's data   ``retrain``
``eval_drift``               production pass rate below the threshold            ``rl_retrain``
``stale_models``             the current model marked stale by ``forge forget``  ``retrain``
``nightly_curation``         cron (stopped unless enabled)                       ``ingest_sources`` (all)
``periodic_retraining``      cron (stopped unless enabled)                       ``retrain``
===========================  ==================================================  =======================

Every sensor keeps its state in a JSON cursor and derives each run key from the change itself, so
the same change launches at most one run even when the cursor is lost. Settings live in
``keep_current`` of forge.yaml; see docs/keep-current.md.
"""

from typing import Any

from forge_data.config import ForgeConfig
from sensors.drift import build_data_drift
from sensors.feedback import build_eval_drift
from sensors.new_data import build_curate_after_ingest, build_new_source_data, build_store_main_changed
from sensors.schedules import build_nightly_curation, build_periodic_retraining
from sensors.stale import build_stale_models


def build_sensors(cfg: ForgeConfig, jobs: dict[str, Any]) -> list:
    """The sensors for a project; the training ones only when its recipe trains."""
    sensors = [
        build_new_source_data(cfg, jobs["ingest_sources"]),
        build_curate_after_ingest(cfg, jobs["ingest_sources"], jobs["curate_and_publish"]),
        build_store_main_changed(cfg, jobs["curate_and_publish"]),
    ]
    if "retrain" in jobs:
        sensors += [
            build_data_drift(cfg, jobs["retrain"]),
            build_eval_drift(cfg, jobs["rl_retrain"]),
            build_stale_models(cfg, jobs["retrain"]),
        ]
    return sensors


def build_schedules(cfg: ForgeConfig, jobs: dict[str, Any]) -> list:
    schedules = [build_nightly_curation(cfg, jobs["ingest_sources"])]
    if "retrain" in jobs:
        schedules.append(build_periodic_retraining(cfg, jobs["retrain"]))
    return schedules
