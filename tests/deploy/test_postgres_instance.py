"""deploy/dagster.postgres.yaml on the real PostgreSQL service: the curation assets materialize and
their runs, materializations and check results come back from the instance."""

import dagster as dg
import pytest

from definitions import build_definitions
from tests.deploy.conftest import dagster_home
from tests.forge_data.steps import mini_company

pytestmark = pytest.mark.service

CURATION = ["filtered_records", "deduplicated_records", "redacted_records", "code_units", "staged_dataset"]


def test_curation_runs_are_recorded_in_postgres(postgres_db, tmp_path):
    config = mini_company.build(tmp_path / "company", pii=True)
    home = dagster_home(tmp_path / "dagster", "deploy/dagster.postgres.yaml")
    defs = build_definitions(config)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        # The same rules as the embedded dagster.yaml, plus the GPU run queue.
        limits = {
            (t["key"], t.get("value")): t["limit"]
            for t in instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        }
        assert limits == {("forge/pipeline", "curate"): 1, ("forge/gpu", "train"): 1}
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1

        ingest = defs.resolve_job_def("ingest_sources")
        for source in ["code", "wiki", "slack", "mail"]:
            assert ingest.execute_in_process(instance=instance, partition_key=source).success
        result = defs.resolve_job_def("curate_and_publish").execute_in_process(instance=instance)
        assert result.success

    # A second, independent instance on the same database sees everything the first one wrote.
    with dg.DagsterInstance.from_config(str(home)) as reader:
        runs = reader.get_runs()
        assert sorted(r.job_name for r in runs) == ["curate_and_publish"] + ["ingest_sources"] * 4
        assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
        curate_run = next(r for r in runs if r.job_name == "curate_and_publish")
        assert curate_run.tags["forge/pipeline"] == "curate"
        for key in CURATION:
            event = reader.get_latest_materialization_event(dg.AssetKey(key))
            assert event is not None and event.run_id == curate_run.run_id, key
        staged = reader.get_latest_materialization_event(dg.AssetKey("staged_dataset")).asset_materialization
        meta = staged.metadata
        assert (
            meta["inputs"].value == meta["kept"].value + meta["duplicates"].value + meta["quarantined"].value
        )
        check = reader.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("staged_dataset"), "nothing_lost")]
        )
        assert (
            check[dg.AssetCheckKey(dg.AssetKey("staged_dataset"), "nothing_lost")].run_id == curate_run.run_id
        )
        published = reader.get_latest_materialization_event(dg.AssetKey("published_dataset"))
        assert published.run_id == curate_run.run_id
