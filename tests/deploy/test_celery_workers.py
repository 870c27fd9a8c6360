"""A curation run whose steps run on two Celery worker processes (RabbitMQ broker, the real
`dagster-celery worker start` CLI) publishes exactly what a single-process run published."""

import uuid
from collections import Counter

import dagster as dg
import pyarrow as pa
import pytest

from forge_data.config import load
from forge_data.steps.publish import read_manifest, read_records
from forge_data.store.factory import open_store
from forge_data.tables import read_parquet
from forge_data.workspace import Workspace
from tests.deploy.conftest import CeleryWorkers, dagster_home
from tests.forge_data.steps import mini_company

pytestmark = pytest.mark.service

STAGES = ["filtered", "deduplicated", "redacted", "code_units"]


def _by_id(table: pa.Table) -> pa.Table:
    return table.sort_by("id")


def _worker_of_each_step(instance: dg.DagsterInstance, run_id: str) -> dict[str, str]:
    out = {}
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = record.dagster_event
        data = event.engine_event_data.metadata if event.engine_event_data else {}
        if "Celery worker" in data:
            out[event.step_key] = data["Celery worker"].value
    return out


def test_curation_over_two_celery_workers_matches_one_process(broker_url, tmp_path, monkeypatch):
    config = mini_company.build(tmp_path / "company", pii=True)
    home = dagster_home(tmp_path / "dagster", "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    cfg = load(config)
    ws, store = Workspace(cfg.state_dir), open_store(cfg.store, cfg.resolve)

    from definitions import build_definitions

    with dg.DagsterInstance.get() as instance:
        defs = build_definitions(config)
        for source in cfg.sources:
            assert (
                defs.resolve_job_def("ingest_sources")
                .execute_in_process(instance=instance, partition_key=source.name)
                .success
            )
        assert defs.resolve_job_def("curate_and_publish").execute_in_process(instance=instance).success
    single = store.head("main")
    single_tables = {name: _by_id(read_parquet(ws.curated(name))) for name in STAGES}

    queue = f"forge-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("FORGE_EXECUTOR", "celery")
    monkeypatch.setenv("FORGE_CELERY_BROKER", broker_url)
    monkeypatch.setenv("FORGE_CELERY_QUEUE", queue)
    workers = CeleryWorkers(home, broker_url, queue, ["w1", "w2"], tmp_path)
    try:
        workers.wait_ready()
        job = dg.build_reconstructable_job(
            "definitions", "job_for", reconstructable_args=(str(config), "curate_and_publish")
        )
        with dg.DagsterInstance.get() as instance:
            # A full run: every curation step recomputes everything on the workers.
            with dg.execute_job(job, instance, tags={"forge/full": "true"}) as result:
                assert result.success, [e.message for e in result.all_events if e.is_failure]
                run_id = result.run_id
            ran_on = _worker_of_each_step(instance, run_id)
            plan_steps = {
                e.step_key for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)
            }
    finally:
        workers.stop()

    # Every step ran in one of the two worker processes, none in this one.
    assert plan_steps and set(ran_on) == plan_steps
    assert {worker.split("@")[0] for worker in ran_on.values()} <= {f"w1-{queue}", f"w2-{queue}"}
    print("steps per worker:", Counter(w.split("@")[0][:2] for w in ran_on.values()))
    for name in ["filtered_records", "deduplicated_records", "redacted_records", "code_units"]:
        assert name in plan_steps

    # What the workers computed is what one process computed, table by table and as published.
    for name in STAGES:
        assert _by_id(read_parquet(ws.curated(name))).equals(single_tables[name]), name
    spread = store.head("main")
    assert read_manifest(store, spread) == read_manifest(store, single)
    assert _by_id(read_records(store, spread)).equals(_by_id(read_records(store, single)))
