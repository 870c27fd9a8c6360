"""A run killed with SIGKILL at any step never leaves main partial, and the next run completes
with every record present exactly once.

The run is a real process (store_worker) that pauses at a named checkpoint inside the store;
the test kills its whole process group there, so git children die mid-operation too.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from forge_data.store import read_dataset
from forge_data.store.embedded import EmbeddedStore
from tests.forge_data.store.conftest import git, start_worker
from tests.forge_data.store.store_worker import batch_paths, batch_table, publish_batch

PARTS, ROWS = 3, 40

# (checkpoint, whether main has moved by then, a git lock file the killed process leaves behind)
KILL_POINTS = [
    ("write:streaming#2", False, None),  # second object half sent to git
    ("write:indexing#3", False, None),  # two objects staged, the third not
    ("commit:tree", False, None),
    ("commit:object", False, None),  # commit exists, branch not moved
    ("commit:ref-locked", False, "refs/heads/run-b.lock"),  # git holds the branch's ref lock
    ("commit:ref-moved", False, None),  # branch moved, staging not yet dropped
    ("apply:scratch", False, None),  # three-way merge half built in a scratch index
    ("merge:tree", False, None),
    ("merge:object", False, None),  # merge commit exists, main not moved
    ("merge:ref-locked", False, "refs/heads/main.lock"),  # git holds main's ref lock
    ("merge:ref-moved", True, None),  # main moved, the process had not returned
]


def expected_ids(*batches: str) -> list[str]:
    return sorted(
        i
        for batch in batches
        for part in range(PARTS)
        for i in batch_table(batch, part, ROWS).column("id").to_pylist()
    )


def paths_on(store: EmbeddedStore, ref: str) -> set[str]:
    return {o.path for o in store.list(ref)}


def pause_then_kill(tmp_path: Path, store_dir: Path, point: str) -> None:
    marker = tmp_path / "paused"
    args = ["run", "--store", store_dir, "--run-id", "b", "--batch", "B", "--parts", PARTS, "--rows", ROWS]
    proc = start_worker(*args, "--pause-at", point, "--marker", marker)
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"worker ended before {point}: {proc.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"worker never reached {point}")
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()


@pytest.mark.parametrize(("point", "main_moved", "stale_lock"), KILL_POINTS, ids=[p[0] for p in KILL_POINTS])
def test_a_run_killed_at_any_point_leaves_main_whole_and_the_next_run_completes(
    tmp_path, point, main_moved, stale_lock
):
    store_dir = tmp_path / "store"
    store = EmbeddedStore(store_dir)
    publish_batch(store, "a", "A", PARTS, ROWS)
    # Run b branches now and main moves on before it merges, so its merge is a real three-way one.
    store.create_branch("run-b", "main")
    publish_batch(store, "c", "C", PARTS, ROWS)
    before_head, before_paths = store.head("main"), paths_on(store, "main")
    all_paths = before_paths | set(batch_paths("B", PARTS))

    pause_then_kill(tmp_path, store_dir, point)

    if stale_lock:
        assert (store_dir / "repo.git" / stale_lock).exists(), "the kill should leave git's lock behind"
    if point == "apply:scratch":
        assert list((store_dir / "tmp").iterdir()), "the kill should leave a scratch index behind"
    store = EmbeddedStore(store_dir)  # as the next process would open it
    if main_moved:
        assert paths_on(store, "main") == all_paths
    else:
        assert store.head("main") == before_head
        assert paths_on(store, "main") == before_paths
    assert git(store_dir, "fsck", "--full", "--no-dangling").returncode == 0
    assert list((store_dir / "tmp").iterdir()) == []

    rerun = start_worker(
        "run", "--store", store_dir, "--run-id", "b", "--batch", "B", "--parts", PARTS, "--rows", ROWS
    )
    out, err = rerun.communicate(timeout=180)
    assert rerun.returncode == 0, err.decode()[-2000:]

    assert paths_on(store, "main") == all_paths
    ids = read_dataset(store, "main", "dataset/").column("id").to_pylist()
    assert sorted(ids) == expected_ids("A", "B", "C")
    publishes = [
        c for c in store.log("main", limit=100) if c.metadata.get("run_id") == "b" and len(c.parents) == 2
    ]
    assert len(publishes) == 1
    assert not store.has_uncommitted("run-b")
    assert list((store_dir / "repo.git" / "refs").rglob("*.lock")) == []
    assert list((store_dir / "staging").rglob("*.lock")) == []
    assert git(store_dir, "fsck", "--full", "--no-dangling").returncode == 0


def test_staging_left_by_a_commit_killed_after_moving_its_branch_is_recovered(tmp_path):
    store_dir = tmp_path / "store"
    EmbeddedStore(store_dir)
    pause_then_kill(tmp_path, store_dir, "commit:ref-moved")
    store = EmbeddedStore(store_dir)
    leftover = list((store_dir / "staging" / "run-b").glob("*.index"))
    assert len(leftover) == 1 and leftover[0].stem != store.head("run-b")
    assert store.uncommitted("run-b") == []
    assert paths_on(store, "run-b") == set(batch_paths("B", PARTS))

    store.write("run-b", "extra.txt", b"x")
    assert [(c.path, c.type) for c in store.uncommitted("run-b")] == [("extra.txt", "added")]
    store.commit("run-b", "extra")
    assert paths_on(store, "run-b") == set(batch_paths("B", PARTS)) | {"extra.txt"}
    assert list((store_dir / "staging" / "run-b").glob("*.index")) == []
