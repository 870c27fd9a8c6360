"""Schedules from forge.yaml, the keep_current settings' validation, and the GPU pool."""

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import yaml

from forge_data.config import ConfigError, load, parse
from tests.conftest import REPO


def _evaluate(defs: dg.Definitions, name: str, when: datetime):
    repo = defs.get_repository_def()
    context = dg.build_schedule_context(scheduled_execution_time=when, repository_def=repo)
    return repo.get_schedule_def(name).evaluate_tick(context)


def test_schedules_follow_forge_yaml_and_start_stopped(project):
    repo = project.defs().get_repository_def()
    nightly, weekly = repo.get_schedule_def("nightly_curation"), repo.get_schedule_def("periodic_retraining")
    assert (nightly.cron_schedule, weekly.cron_schedule) == ("0 2 * * *", "0 3 * * 0")
    assert nightly.default_status == weekly.default_status == dg.DefaultScheduleStatus.STOPPED
    assert weekly.job_name == "retrain" and nightly.job_name == "ingest_sources"

    project.write(
        schedules={"timezone": "Europe/Berlin", "curation": {"enabled": True, "cron": "30 1 * * 1-5"}}
    )
    repo = project.defs().get_repository_def()
    nightly = repo.get_schedule_def("nightly_curation")
    assert nightly.cron_schedule == "30 1 * * 1-5" and nightly.execution_timezone == "Europe/Berlin"
    assert nightly.default_status == dg.DefaultScheduleStatus.RUNNING


def test_nightly_curation_ingests_every_source_as_one_batch(project):
    result = _evaluate(project.defs(), "nightly_curation", datetime(2025, 3, 4, 2, 0, tzinfo=UTC))
    requests = {r.partition_key: r for r in result.run_requests}
    assert set(requests) == {"code", "wiki", "mail"}
    assert requests["wiki"].run_key == "nightly:2025-03-04T0200:wiki"
    assert {r.tags["forge/change"] for r in requests.values()} == {"nightly-2025-03-04T0200"}
    keys = requests["code"].tags["forge/change_keys"].split(",")
    assert sorted(keys) == sorted(r.run_key for r in requests.values())  # what curate_after_ingest waits for


def test_sensors_start_as_forge_yaml_says(project):
    repo = project.defs().get_repository_def()
    assert {s.name: s.default_status for s in repo.sensor_defs} == {
        name: dg.DefaultSensorStatus.RUNNING
        for name in (
            "new_source_data",
            "curate_after_ingest",
            "store_main_changed",
            "data_drift",
            "eval_drift",
            "stale_models",
        )
    }
    project.write(new_data={"interval_s": 600, "store_main": False}, drift={"enabled": False})
    repo = project.defs().get_repository_def()
    assert repo.get_sensor_def("new_source_data").minimum_interval_seconds == 600
    assert repo.get_sensor_def("store_main_changed").default_status == dg.DefaultSensorStatus.STOPPED
    assert repo.get_sensor_def("data_drift").default_status == dg.DefaultSensorStatus.STOPPED


def test_without_training_only_the_data_sensors_exist(project):
    data = yaml.safe_load(project.config.read_text())
    data["training"] = {"enabled": False}
    project.config.write_text(yaml.safe_dump(data))
    repo = project.defs().get_repository_def()
    assert {s.name for s in repo.sensor_defs} == {
        "new_source_data",
        "curate_after_ingest",
        "store_main_changed",
    }
    assert [s.name for s in repo.schedule_defs] == ["nightly_curation"]


@pytest.mark.parametrize(
    ("keep_current", "message"),
    [
        ({"schedules": {"curation": {"cron": "every night"}}}, "is not a five-field cron string"),
        ({"schedules": {"timezone": "Mars/Olympus"}}, "is not an IANA time zone"),
        ({"feedback": {"window": 10, "min_entries": 20}}, "min_entries cannot exceed window"),
        ({"drift": {"max_js_divergence": 1.5}}, "keep_current.drift.max_js_divergence"),
        ({"new_data": {"interval": 60}}, "keep_current.new_data.interval"),  # a typo fails loudly
    ],
)
def test_bad_keep_current_settings_name_the_field(keep_current, message):
    data = {"sources": [{"name": "wiki", "kind": "wiki", "path": "wiki"}], "keep_current": keep_current}
    with pytest.raises(ConfigError, match=message):
        parse(data)


def test_keep_current_settings_do_not_change_the_data_fingerprint(project):
    before = load(project.config).fingerprint()
    project.write(
        drift={"max_js_divergence": 0.3}, schedules={"curation": {"enabled": True, "cron": "@daily"}}
    )
    assert load(project.config).fingerprint() == before


# --- the GPU pool ------------------------------------------------------------------------------


def _gpu_step(name: str, other: str):
    @dg.asset(name=name, pool="gpu")
    def _asset() -> None:
        folder = Path(os.environ["FORGE_POOL_DIR"])
        running = folder / f"{name}.running"
        running.touch()
        start, saw_other = time.time(), False
        # Wait a while for the other step to show up; without the pool it starts meanwhile.
        while time.time() - start < 4 and not saw_other:
            saw_other = (folder / f"{other}.running").exists()
            time.sleep(0.05)
        running.unlink()
        row = {"step": name, "start": start, "end": time.time(), "saw_other": saw_other}
        with (folder / "steps.jsonl").open("a") as fh:
            fh.write(json.dumps(row) + "\n")

    return _asset


def pool_job() -> dg.JobDefinition:
    """Two independent steps in the "gpu" pool, in one multiprocess run (which would start both at once)."""
    defs = dg.Definitions(
        assets=[_gpu_step("train_a", "train_b"), _gpu_step("train_b", "train_a")],
        jobs=[dg.define_asset_job("two_trainings", executor_def=dg.multiprocess_executor)],
    )
    return defs.resolve_job_def("two_trainings")


@pytest.mark.slow
def test_the_gpu_pool_of_dagster_yaml_runs_one_training_step_at_a_time(project, tmp_path, monkeypatch):
    from definitions import build_definitions

    training = [
        a
        for a in build_definitions(project.config).assets
        if "train" in (a.group_names_by_key or {}).values()
    ]
    assert training and all(
        a.op.pool == "gpu" for a in training if a.key.to_user_string() != "training_datasets"
    ), "every training stage shares the gpu pool"

    monkeypatch.setenv("FORGE_POOL_DIR", str(tmp_path))
    settings = yaml.safe_load((REPO / "dagster.yaml").read_text())
    with dg.instance_for_test(overrides={"concurrency": settings["concurrency"]}) as instance:
        result = dg.execute_job(dg.reconstructable(pool_job), instance=instance)
        assert result.success
        assert instance.event_log_storage.get_concurrency_info("gpu").slot_count == 1
    rows = [json.loads(line) for line in (tmp_path / "steps.jsonl").read_text().splitlines()]
    first, second = sorted(rows, key=lambda r: r["start"])
    assert not first["saw_other"] and not second["saw_other"]
    assert second["start"] >= first["end"], "the second training step started while the first was running"
