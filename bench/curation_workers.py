"""Curation spread over Celery workers, and the shared Redis dedup index it scales on.

    .venv/bin/python bench/curation_workers.py [--scale 1] [--docs 4000] [--json out.json]

Needs the team services (RabbitMQ at FORGE_TEST_BROKER, Redis at FORGE_TEST_REDIS_URL; the
defaults are the local ones). Three measurements, each a ratio of two runs on this machine:

1. the Dagster curation job (curate_and_publish, full run) on the sample company, its steps on
   1 and then 2 `dagster-celery` workers: input records per second of run wall time;
2. partitioned dedup against one Redis index (the path the shared index exists for): the same
   corpus in partitions of 250 records, deduplicated by 1 and then 2 worker processes, beside the
   baseline of one process with the in-memory index;
3. the Redis index alone: clusters resolved per second by one client, and a bare round trip.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PARTITION = 250


def _corpus(n_docs: int):
    """``n_docs`` texts of 200 words: a third in clusters of 3 near-copies, the rest unique."""
    from tests.forge_data.dedup.corpus import document, edit, records, vocabulary

    rng = random.Random(5)
    vocab = vocabulary(rng)
    texts = []
    while len(texts) < n_docs:
        base = document(rng, vocab, 200)
        copies = (
            [base, edit(rng, base, 0.02, vocab), edit(rng, base, 0.02, vocab)]
            if rng.random() < 0.12
            else [base]
        )
        texts += [" ".join(c) for c in copies]
    return records(texts[:n_docs])


def _kept(table, cfg, index) -> int:
    """Deduplicate ``table`` partition by partition against ``index``; how many records are kept."""
    from forge_data.dedup import deduplicate

    kept = 0
    for lo in range(0, table.num_rows, PARTITION):
        kept += sum(
            deduplicate(table.slice(lo, PARTITION), cfg, index=index).table.column("keep").to_pylist()
        )
    return kept


def _dedup_worker(url, namespace, table, barrier, queue):
    from forge_data.config import DedupConfig
    from forge_data.dedup import RedisIndex

    cfg = DedupConfig()
    index = RedisIndex.for_config(url, cfg, namespace)
    barrier.wait()
    started = time.perf_counter()
    kept = _kept(table, cfg, index)
    queue.put((time.perf_counter() - started, kept))


def partitioned_dedup(url: str, table, workers: int) -> dict:
    import pyarrow as pa

    from forge_data.config import DedupConfig
    from forge_data.dedup import RedisIndex

    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    # Partitions dealt out round-robin, so each worker sees members of the same clusters.
    parts = [table.slice(lo, PARTITION) for lo in range(0, table.num_rows, PARTITION)]
    mine = [pa.concat_tables(parts[w::workers]) for w in range(workers)]
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_dedup_worker, args=(url, namespace, m, barrier, queue)) for m in mine]
    try:
        for p in procs:
            p.start()
        results = [queue.get(timeout=600) for _ in procs]
        for p in procs:
            p.join()
    finally:
        RedisIndex.for_config(url, DedupConfig(), namespace).clear()
    wall = max(s for s, _ in results)
    return {"workers": workers, "records": table.num_rows, "kept": sum(k for _, k in results),
            "seconds": round(wall, 2), "records_per_s": round(table.num_rows / wall, 1)}  # fmt: skip


def in_memory_dedup(table) -> dict:
    """The baseline: the same partitions, one process, the in-memory index a single dedup step uses."""
    from forge_data.config import DedupConfig
    from forge_data.dedup import new_index

    cfg = DedupConfig()
    started = time.perf_counter()
    kept = _kept(table, cfg, new_index(cfg))
    wall = time.perf_counter() - started
    return {"workers": 1, "index": "memory", "records": table.num_rows, "kept": kept,
            "seconds": round(wall, 2), "records_per_s": round(table.num_rows / wall, 1)}  # fmt: skip


def index_ops(url: str, table) -> dict:
    """One client resolving every cluster of the corpus against an empty index, then PING."""
    import numpy as np
    import redis

    from forge_data.config import DedupConfig
    from forge_data.dedup import RedisIndex
    from forge_data.dedup.index import ClusterProbe
    from forge_data.dedup.signatures import signatures

    cfg = DedupConfig()
    texts = table.column("text").to_pylist()
    sigs = signatures(texts, cfg.prose_shingles, cfg.num_perm, cfg.seed)
    ids = table.column("id").to_pylist()
    probes = [
        ClusterProbe(ids[i], ids[i], [ids[i]], [os.urandom(16)], sigs[i : i + 1], np.ones(1, bool))
        for i in range(len(ids))
    ]
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    index = RedisIndex.for_config(url, cfg, namespace)
    try:
        started = time.perf_counter()
        index.resolve(probes, cfg.threshold)
        seconds = time.perf_counter() - started
    finally:
        index.clear()
    client = redis.Redis.from_url(url)
    started = time.perf_counter()
    for _ in range(2000):
        client.ping()
    rtt = (time.perf_counter() - started) / 2000
    return {"clusters": len(probes), "resolve_s": round(seconds, 3), "clusters_per_s": round(len(probes) / seconds),
            "ping_rtt_ms": round(rtt * 1000, 3), "bands": index.params.bands}  # fmt: skip


def curation_job(broker: str, scale: int, work: Path) -> list[dict]:
    import dagster as dg
    import yaml

    from definitions import build_definitions
    from forge_data.config import load
    from forge_data.sample import generate_sample_company, write_project_file
    from forge_data.steps.curate import ingested_inputs
    from forge_data.workspace import Workspace
    from tests.deploy.conftest import CeleryWorkers, dagster_home

    config = write_project_file(generate_sample_company(work / "sample", scale=scale), work / "forge.yaml")
    data = yaml.safe_load(config.read_text())
    data.update(training={"enabled": False}, checks={"max_residual_pii": 1000})
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    home = dagster_home(work / "dagster", "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    cfg = load(config)
    with dg.DagsterInstance.get() as instance:
        defs = build_definitions(config)
        for source in cfg.sources:
            defs.resolve_job_def("ingest_sources").execute_in_process(
                instance=instance, partition_key=source.name
            )
    inputs = sum(ingested_inputs(cfg, Workspace(cfg.state_dir)).values())
    out = []
    # One queue for both runs: the job is built (and its executor configured) once per process.
    queue = f"forge-bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(FORGE_EXECUTOR="celery", FORGE_CELERY_BROKER=broker, FORGE_CELERY_QUEUE=queue)
    for n in (1, 2):
        workers = CeleryWorkers(home, broker, queue, [f"w{i}" for i in range(1, n + 1)], work)
        try:
            workers.wait_ready(120)
            job = dg.build_reconstructable_job("definitions", "job_for", reconstructable_args=(str(config), "curate_and_publish"))  # fmt: skip
            with dg.DagsterInstance.get() as instance:
                started = time.perf_counter()
                with dg.execute_job(job, instance, tags={"forge/full": "true"}) as result:
                    ok = result.success
                seconds = time.perf_counter() - started
        finally:
            workers.stop()
        out.append({"workers": n, "inputs": inputs, "ok": ok, "seconds": round(seconds, 1),
                    "records_per_s": round(inputs / seconds, 1)})  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--docs", type=int, default=4000)
    ap.add_argument("--json")
    args = ap.parse_args()
    # A timeout's SIGTERM unwinds like Ctrl-C, so the workers this started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    broker = os.environ.get("FORGE_TEST_BROKER", "pyamqp://guest:guest@127.0.0.1:5672//")
    url = os.environ.get("FORGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    table = _corpus(args.docs)
    report = {"index": index_ops(url, table)}
    report["dedup"] = [partitioned_dedup(url, table, n) for n in (1, 2)]
    report["dedup_in_memory"] = in_memory_dedup(table)
    with tempfile.TemporaryDirectory() as tmp:
        report["curation"] = curation_job(broker, args.scale, Path(tmp))
    for key in ("dedup", "curation"):
        one, two = report[key]
        report[f"{key}_ratio_2_vs_1"] = round(two["records_per_s"] / one["records_per_s"], 2)
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text)


if __name__ == "__main__":
    main()
