"""The real sensor daemon's tick, on a real instance: a lost cursor re-finds the same changes, and
their run keys stop Dagster from launching the runs a second time.

Runs are submitted to a queued run coordinator with no queue daemon, so they stay QUEUED: what is
tested is what the daemon submits, not the ingestion itself.
"""

import logging
import sys
from contextlib import contextmanager
from datetime import timedelta

import dagster as dg
import pytest
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.scheduler.instigation import InstigatorType
from dagster._core.test_utils import create_test_daemon_workspace_context, freeze_time
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
from dagster._daemon.sensor import execute_sensor_iteration
from dagster._time import get_current_datetime

from tests.conftest import REPO
from tests.sensors.conftest import commit_file

QUEUED = {"run_coordinator": {"module": "dagster._core.run_coordinator", "class": "QueuedRunCoordinator"}}


@contextmanager
def daemon_workspace(project, instance):
    """The project's code location loaded as the daemon loads it (in this process, no gRPC server)."""
    location = project.root / "location.py"
    location.write_text(
        f"from definitions import build_definitions\ndefs = build_definitions({str(project.config)!r})\n"
    )
    origin = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(
            executable_path=sys.executable,
            python_file=str(location),
            attribute="defs",
            working_directory=str(REPO),
        ),
        location_name="forge",
    )
    with create_test_daemon_workspace_context(InProcessWorkspaceLoadTarget(origin), instance) as context:
        yield context


def tick(context) -> None:
    list(execute_sensor_iteration(context, logging.getLogger("sensor-test"), None, None))


def sensor_runs(instance, name: str) -> dict[str, dg.DagsterRunStatus]:
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/sensor_name": name}))
    return {r.tags["dagster/run_key"]: r.status for r in runs}


def lose_cursor(instance, name: str) -> None:
    (state,) = [
        s for s in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR) if s.name == name
    ]
    assert state.instigator_data.cursor, "the sensor kept no cursor to lose"
    instance.update_instigator_state(state.with_data(state.instigator_data._replace(cursor=None)))


@pytest.mark.slow
def test_a_lost_cursor_launches_nothing_twice(project):
    # Only the new-data sensor runs, so every run in the instance is its own.
    project.write(drift={"enabled": False}, feedback={"enabled": False}, stale_models={"enabled": False})
    with dg.instance_for_test(overrides=QUEUED) as instance, daemon_workspace(project, instance) as context:
        now = get_current_datetime()
        with freeze_time(now):
            tick(context)
        first = sensor_runs(instance, "new_source_data")
        assert len(first) == 3 and set(first.values()) == {dg.DagsterRunStatus.QUEUED}
        assert {k.split(":")[0] for k in first} == {"git", "folder"}

        lose_cursor(instance, "new_source_data")
        with freeze_time(now + timedelta(minutes=2)):
            tick(context)
        assert sensor_runs(instance, "new_source_data") == first  # same changes, same keys: no new runs
        ticks = instance.get_ticks(*_ids(context, "new_source_data"))
        assert sorted(ticks[0].run_keys) == sorted(first) and ticks[0].run_ids == []

        head = commit_file(project.repo, "README.md", "# Ledger\n")
        with freeze_time(now + timedelta(minutes=4)):
            tick(context)
        after = sensor_runs(instance, "new_source_data")
        assert set(after) - set(first) == {f"git:code:{head}"}
        assert len(instance.get_runs()) == 4


def _ids(context, name: str) -> tuple[str, str]:
    entry = next(iter(context.create_request_context().get_code_location_entries().values()))
    (repo,) = entry.code_location.get_repositories().values()
    sensor = repo.get_sensor(name)
    return sensor.get_remote_origin_id(), sensor.selector_id
