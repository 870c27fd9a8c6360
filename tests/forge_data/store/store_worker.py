"""A separate process that uses the embedded store the way a pipeline run does, for the
concurrency and crash-safety tests.

    python -m tests.forge_data.store.store_worker run --store DIR --run-id ID --batch B --parts N --rows R
    python -m tests.forge_data.store.store_worker stage --store DIR --branch BR --prefix P --count N

``--pause-at NAME[#K]`` stops the process the K-th time the store reaches the named
checkpoint (see forge_data/store/checkpoints.py): it writes its pid to ``--marker``
and sleeps, so the test can kill it at exactly that point. ``--go FILE`` makes a
``run`` wait for FILE to exist before it merges, so several runs merge at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import pyarrow as pa

from forge_data.store import NoChanges, write_table
from forge_data.store.checkpoints import set_hook
from forge_data.store.embedded import EmbeddedStore


def batch_table(batch: str, part: int, rows: int) -> pa.Table:
    ids = [f"{batch}-{part:04d}-{i:05d}" for i in range(rows)]
    # Text long enough that a part spans several streaming chunks only when rows is large.
    texts = [f"record {i} of part {part} in batch {batch} " * 4 for i in range(rows)]
    return pa.table({"id": ids, "text": texts})


def batch_paths(batch: str, parts: int) -> list[str]:
    return [f"dataset/{batch}/part-{part:04d}.parquet" for part in range(parts)]


def publish_batch(
    store: EmbeddedStore, run_id: str, batch: str, parts: int, rows: int, go: Path | None = None
) -> dict[str, str]:
    """One run: own branch from main, Parquet parts, a commit with run metadata, merge to main.

    Safe to run again after a crash: the run's branch is reused and its leftover staging
    dropped, and "nothing to commit" / "nothing to merge" mean an earlier attempt got there.
    """
    branch = f"run-{run_id}"
    store.create_branch(branch, store.main, exist_ok=True)
    store.reset(branch)
    for part, path in enumerate(batch_paths(batch, parts)):
        write_table(store, branch, path, batch_table(batch, part, rows))
    meta = {"run_id": run_id, "batch": batch, "parts": str(parts), "records": str(parts * rows)}
    outcome = {}
    try:
        outcome["commit"] = store.commit(branch, f"run {run_id}: batch {batch}", meta).id
    except NoChanges:
        outcome["commit"] = "already committed"
    while go is not None and not go.exists():
        time.sleep(0.01)
    try:
        outcome["merge"] = store.merge(branch, store.main, metadata=meta).id
    except NoChanges:
        outcome["merge"] = "already merged"
    return outcome


def install_pause(spec: str, marker: Path) -> None:
    name, _, nth = spec.partition("#")
    wanted = int(nth or 1)
    seen = 0

    def hook(point: str) -> None:
        nonlocal seen
        if point != name:
            return
        seen += 1
        if seen == wanted:
            marker.write_text(str(os.getpid()))
            time.sleep(3600)

    set_hook(hook)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["run", "stage"])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--run-id")
    parser.add_argument("--batch")
    parser.add_argument("--parts", type=int, default=3)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--branch")
    parser.add_argument("--prefix", default="staged")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--pause-at")
    parser.add_argument("--marker", type=Path)
    parser.add_argument("--go", type=Path)
    args = parser.parse_args(argv)
    if args.pause_at:
        install_pause(args.pause_at, args.marker)
    store = EmbeddedStore(args.store)
    if args.mode == "run":
        outcome = publish_batch(store, args.run_id, args.batch, args.parts, args.rows, args.go)
    else:
        for i in range(args.count):
            store.write(args.branch, f"{args.prefix}/{i:04d}.bin", f"{args.prefix} {i}".encode())
        outcome = {"staged": str(args.count)}
    print(json.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
