"""Separate processes on one embedded store: concurrent runs merge without losing anything,
writers of one branch take turns, and writers of different branches do not wait on each other."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from forge_data.store import StoreError, read_dataset
from forge_data.store.embedded import EmbeddedStore
from tests.forge_data.store.conftest import start_worker
from tests.forge_data.store.store_worker import batch_paths


def finish(proc, timeout: float = 180) -> dict:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err.decode()[-2000:]
    return json.loads(out.decode().strip().splitlines()[-1])


def test_concurrent_runs_all_land_on_main_with_no_lost_update(tmp_path):
    store_dir, go = tmp_path / "store", tmp_path / "go"
    store = EmbeddedStore(store_dir)
    runs = ["r1", "r2", "r3"]
    workers = [
        start_worker(
            "run",
            "--store",
            store_dir,
            "--run-id",
            r,
            "--batch",
            r.upper(),
            "--parts",
            2,
            "--rows",
            10,
            "--go",
            go,
        )
        for r in runs
    ]
    # Let them all commit on their own branches first, then release them to merge at once.
    deadline = time.monotonic() + 120
    while not all(
        f"run-{r}" in store.list_branches() and store.get_commit(f"run-{r}").metadata for r in runs
    ):
        assert time.monotonic() < deadline, "workers did not commit in time"
        assert all(w.poll() is None for w in workers), "a worker ended before the merge barrier"
        time.sleep(0.05)
    go.touch()
    outcomes = [finish(w) for w in workers]

    merges = {o["merge"] for o in outcomes}
    assert len(merges) == 3
    main_log = {c.id: c for c in store.log("main", limit=50)}
    assert merges <= set(main_log)
    assert {main_log[m].metadata["run_id"] for m in merges} == set(runs)
    expected = {p for r in runs for p in batch_paths(r.upper(), 2)}
    assert {o.path for o in store.list("main")} == expected
    ids = read_dataset(store, "main", "dataset/").column("id").to_pylist()
    assert len(ids) == len(set(ids)) == 3 * 2 * 10


def test_two_processes_staging_on_one_branch_of_a_new_store_lose_no_write(tmp_path):
    store_dir = tmp_path / "fresh-store"  # both processes also race to create the store
    workers = [
        start_worker("stage", "--store", store_dir, "--branch", "main", "--prefix", prefix, "--count", 15)
        for prefix in ("p1", "p2")
    ]
    for w in workers:
        finish(w)
    store = EmbeddedStore(store_dir)
    staged = store.uncommitted("main")
    assert len(staged) == 30 and {c.type for c in staged} == {"added"}
    assert store.read("main", "p2/0014.bin") == b"p2 14"
    assert len(store.log("main")) == 1


def test_a_branch_lock_holds_up_only_its_branch_and_dies_with_its_holder(tmp_path):
    store_dir, marker = tmp_path / "store", tmp_path / "paused"
    store = EmbeddedStore(store_dir, lock_timeout_s=0.5)
    store.create_branch("a", "main")
    store.create_branch("b", "main")
    holder = start_worker(
        "stage",
        "--store",
        store_dir,
        "--branch",
        "a",
        "--count",
        1,
        "--pause-at",
        "write:indexing",
        "--marker",
        marker,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert holder.poll() is None and time.monotonic() < deadline, "holder did not reach its pause"
        time.sleep(0.02)

    store.write("b", "x", b"not blocked")
    with pytest.raises(StoreError, match=f"held by pid {holder.pid}"):
        store.write("a", "x", b"blocked")

    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    holder.stdout.close()
    holder.stderr.close()
    store.write("a", "x", b"after the holder died")
    assert store.read("a", "x") == b"after the holder died"
    assert [c.path for c in store.uncommitted("a")] == ["x"]
