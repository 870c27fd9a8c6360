"""The new-data sensors on real git repositories, folders and a real Dagster instance."""

import shutil

import dagster as dg
import pytest

from forge_data.config import load
from forge_data.steps.ingest import ingest
from forge_data.store.embedded import EmbeddedStore
from forge_data.workspace import Workspace
from sensors.new_data import change_id
from tests.sensors.conftest import commit_file, evaluate


def _requests(data) -> dict[str, dg.RunRequest]:
    return {r.partition_key: r for r in data.run_requests}


def test_new_sources_fire_once_per_change_with_partition_and_run_key(project):
    defs = project.defs()
    with dg.instance_for_test() as instance:
        first = evaluate(defs, "new_source_data", instance)
        requests = _requests(first)
        assert set(requests) == {"code", "wiki", "mail"}  # never ingested: all three are new
        assert requests["code"].run_key.startswith("git:code:")
        assert requests["wiki"].run_key.startswith("folder:wiki:")
        assert requests["mail"].run_key.startswith("folder:mail:")
        batches = {r.tags["forge/change"] for r in requests.values()}
        assert len(batches) == 1
        assert defs.get_repository_def().get_sensor_def("new_source_data").job_name == "ingest_sources"
        head = commit_file(project.repo, "README.md", "# Ledger\n")

        # The new commit is the only change since: one request, keyed by that commit.
        second = evaluate(defs, "new_source_data", instance, first.cursor)
        assert [(r.partition_key, r.run_key) for r in second.run_requests] == [("code", f"git:code:{head}")]

        # Nothing changed since: a skip that says so, and no requests.
        third = evaluate(defs, "new_source_data", instance, second.cursor)
        assert third.run_requests == []
        assert third.skip_message == "no new data in 3 watched sources"
        assert third.cursor == second.cursor


def test_folder_changes_fire_and_excluded_files_do_not(project):
    defs = project.defs()
    with dg.instance_for_test() as instance:
        cursor = evaluate(defs, "new_source_data", instance).cursor

        (project.wiki / "drafts").mkdir()
        (project.wiki / "drafts" / "todo.md").write_text("# not ready\n")  # excluded by the source
        quiet = evaluate(defs, "new_source_data", instance, cursor)
        assert quiet.run_requests == [] and quiet.skip_message == "no new data in 3 watched sources"

        (project.wiki / "runbook-1.md").write_text("# Runbook 1\n\nRestart the ledger queue twice.\n")
        (project.wiki / "runbook-2.md").unlink()
        wiki = evaluate(defs, "new_source_data", instance, quiet.cursor)
        assert [r.partition_key for r in wiki.run_requests] == ["wiki"]
        assert wiki.run_requests[0].run_key.startswith("folder:wiki:")

        # Looking again from the older cursor finds the same change under the same run key.
        repeat = evaluate(defs, "new_source_data", instance, quiet.cursor)
        assert [r.run_key for r in repeat.run_requests] == [wiki.run_requests[0].run_key]

        with project.mbox.open("a") as fh:  # one more mail in a single-file export
            fh.write(
                "\nFrom bob@example.invalid Tue Jan  7 09:00:00 2025\nSubject: Re: Deploy window\n\nOk.\n"
            )
        mail = evaluate(defs, "new_source_data", instance, wiki.cursor)
        assert [r.partition_key for r in mail.run_requests] == ["mail"]


def test_without_a_cursor_the_last_ingestion_is_the_baseline(project):
    defs = project.defs()
    cfg = load(project.config)
    for source in cfg.sources:
        ingest(cfg, Workspace(cfg.state_dir), source.name)
    with dg.instance_for_test() as instance:
        skipped = evaluate(defs, "new_source_data", instance)
        assert skipped.run_requests == []
        assert skipped.skip_message == "no new data in 3 watched sources"

        head = commit_file(project.repo, "ledger.py", "def post(entry, book):\n    return book.add(entry)\n")
        fired = evaluate(
            defs, "new_source_data", instance
        )  # still no cursor: compared with the ingested head
        assert [r.run_key for r in fired.run_requests] == [f"git:code:{head}"]


def test_an_unreadable_source_is_reported_not_fatal(project):
    defs = project.defs()
    with dg.instance_for_test() as instance:
        cursor = evaluate(defs, "new_source_data", instance).cursor
        shutil.rmtree(project.wiki)
        result = evaluate(defs, "new_source_data", instance, cursor)
        assert result.run_requests == []
        assert result.skip_message.startswith("no new data in 3 watched sources; unreadable: wiki:")
        assert "does not exist" in result.skip_message


def _execute_ingest(defs, instance, source: str, tags: dict[str, str]) -> dg.DagsterRun:
    result = defs.resolve_job_def("ingest_sources").execute_in_process(
        instance=instance, partition_key=source, tags=tags
    )
    assert result.success
    return instance.get_run_by_id(result.run_id)


def _on_success(defs, instance, run: dg.DagsterRun):
    sensor = defs.get_repository_def().get_sensor_def("curate_after_ingest")
    (event,) = [
        e.dagster_event
        for e in instance.all_logs(run.run_id)
        if e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.PIPELINE_SUCCESS
    ]
    context = dg.build_run_status_sensor_context(
        sensor_name="curate_after_ingest", dagster_event=event, dagster_instance=instance, dagster_run=run
    )
    return sensor(context)


@pytest.mark.slow
def test_curation_follows_once_every_ingestion_run_of_the_batch_succeeded(project):
    defs = project.defs()
    with dg.instance_for_test() as instance:
        tick = evaluate(defs, "new_source_data", instance)
        requests = {r.partition_key: r for r in tick.run_requests if r.partition_key in ("code", "wiki")}
        # The batch is code + wiki only: rebuild its tags as the sensor would for those two changes.
        keys = sorted(r.run_key for r in requests.values())
        batch = change_id(keys)

        def tags(r):
            return {
                "forge/change": batch,
                "forge/change_keys": ",".join(keys),
                "forge/trigger": "new-data",
                "dagster/run_key": r.run_key,
            }

        code_run = _execute_ingest(defs, instance, "code", tags(requests["code"]))
        waiting = _on_success(defs, instance, code_run)
        assert isinstance(waiting, dg.SkipReason)
        assert (
            waiting.skip_message
            == f"batch {batch}: 1 of 2 ingestion runs succeeded; curation waits for the rest"
        )

        wiki_run = _execute_ingest(defs, instance, "wiki", tags(requests["wiki"]))
        request = _on_success(defs, instance, wiki_run)
        assert isinstance(request, dg.RunRequest)
        assert request.run_key == f"curate:{batch}" and request.tags["forge/change"] == batch
        assert (
            defs.get_repository_def().get_sensor_def("curate_after_ingest").job_name == "curate_and_publish"
        )
        # Whichever success event is seen last, the request (and so its run key) is the same.
        assert _on_success(defs, instance, code_run).run_key == request.run_key

        by_hand = _execute_ingest(defs, instance, "mail", {})
        manual = _on_success(defs, instance, by_hand)
        assert isinstance(manual, dg.SkipReason) and "started by hand" in manual.skip_message


def _publish(store: EmbeddedStore, branch: str, text: str, metadata: dict[str, str] | None = None) -> str:
    store.create_branch(branch, source="main", exist_ok=True)
    store.write(branch, "curated/notes.txt", text.encode())
    store.commit(branch, f"data from {branch}")
    return store.merge(branch, "main", metadata=metadata).id


def test_store_main_moved_by_another_tool_is_recurated_and_forges_own_publish_is_not(project):
    defs = project.defs()
    cfg = load(project.config)
    store = EmbeddedStore(cfg.resolve(cfg.store.path))
    with dg.instance_for_test() as instance:
        first = evaluate(defs, "store_main_changed", instance)
        assert first.run_requests == [] and first.skip_message.startswith("watching main from ")

        foreign = _publish(store, "upload", "written by another tool")
        fired = evaluate(defs, "store_main_changed", instance, first.cursor)
        assert [r.run_key for r in fired.run_requests] == [f"store:{foreign}"]
        assert defs.get_repository_def().get_sensor_def("store_main_changed").job_name == "curate_and_publish"

        again = evaluate(defs, "store_main_changed", instance, fired.cursor)
        assert again.run_requests == [] and again.skip_message == f"main is still at {foreign[:12]}"

        run = instance.create_run_for_job(defs.resolve_job_def("curate_and_publish"))
        ours = _publish(store, "run-x", "published by forge", {"run_id": run.run_id})
        own = evaluate(defs, "store_main_changed", instance, again.cursor)
        assert own.run_requests == []
        assert (
            own.skip_message
            == f"main moved to {ours[:12]} by Forge run {run.run_id[:8]}: nothing to re-curate"
        )
