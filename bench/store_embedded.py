"""Publishing a dataset through the embedded store, against plain files as the baseline.

    .venv/bin/python bench/store_embedded.py [--repeat 3]

Baseline: the same bytes written to a fresh run folder (each file fsync'd), then swapped
into place with ``os.replace``: the ad-hoc folder copy the store stands in for. Store: a
branch from main, the same writes, a commit with metadata, a merge into main. Reading
back: the files read from the folder against ``store.read`` at main. Two shapes: a few
large Parquet parts, and many small objects (where the per-call cost of git shows).
Prints median seconds per phase and store/baseline ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forge_data.store.embedded import EmbeddedStore  # noqa: E402


def parquet_part(part: int, rows: int) -> bytes:
    sink = pa.BufferOutputStream()
    texts = [f"def f_{part}_{i}(x):\n    return x * {i} + {part}  # line {i}\n" * 3 for i in range(rows)]
    pq.write_table(pa.table({"id": [f"{part}-{i}" for i in range(rows)], "text": texts}), sink)
    return sink.getvalue().to_pybytes()


def baseline(root: Path, objects: dict[str, bytes]) -> tuple[float, float]:
    run, live = root / "run", root / "live"
    t0 = time.perf_counter()
    for path, data in objects.items():
        target = run / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    if live.exists():
        shutil.rmtree(live)
    os.replace(run, live)
    t1 = time.perf_counter()
    for path in objects:
        (live / path).read_bytes()
    return t1 - t0, time.perf_counter() - t1


def store_publish(root: Path, objects: dict[str, bytes]) -> tuple[float, float]:
    store = EmbeddedStore(root / "store")
    t0 = time.perf_counter()
    store.create_branch("run-1", "main")
    for path, data in objects.items():
        store.write("run-1", path, data)
    store.commit("run-1", "bench run", {"run_id": "run-1", "objects": str(len(objects))})
    store.merge("run-1", "main", metadata={"run_id": "run-1"})
    t1 = time.perf_counter()
    for path in objects:
        store.read("main", path)
    return t1 - t0, time.perf_counter() - t1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    shapes = {
        "20 Parquet parts": {f"dataset/part-{p:04d}.parquet": parquet_part(p, 4000) for p in range(20)},
        "300 objects of 1 KiB": {f"small/{i:05d}.bin": os.urandom(1024) for i in range(300)},
    }
    print(f"{'shape':<22} {'MiB':>6} {'phase':<8} {'files s':>8} {'store s':>8} {'ratio':>6}")
    for name, objects in shapes.items():
        mib = sum(map(len, objects.values())) / 2**20
        runs = {"files": [], "store": []}
        for _ in range(args.repeat):
            for label, fn in (("files", baseline), ("store", store_publish)):
                with tempfile.TemporaryDirectory() as tmp:
                    runs[label].append(fn(Path(tmp), objects))
        for i, phase in enumerate(("publish", "read")):
            files = statistics.median(r[i] for r in runs["files"])
            store = statistics.median(r[i] for r in runs["store"])
            print(f"{name:<22} {mib:>6.1f} {phase:<8} {files:>8.3f} {store:>8.3f} {store / files:>6.1f}")


if __name__ == "__main__":
    main()
