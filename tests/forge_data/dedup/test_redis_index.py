"""The shared Redis index: two worker processes deduplicating partitions against one index."""

from __future__ import annotations

import multiprocessing as mp
import random
import time
import uuid
from collections import defaultdict

import pytest

from forge_data.config import DedupConfig
from forge_data.dedup import RedisIndex, deduplicate, new_index

from .corpus import document, edit, records, vocabulary

pytestmark = pytest.mark.service


def _corpus():
    """40 clusters of 4 copies (one exact, two with 1 of 200 words changed) and 40 singletons.

    Copies this close (Jaccard ~0.95) collide in some LSH band with probability > 0.998, so a
    second keeper in a cluster would mean a race, not an LSH miss.
    """
    rng = random.Random(99)
    vocab = vocabulary(rng)
    texts, truth = [], []
    for c in range(40):
        base = document(rng, vocab, 200)
        for variant in (base, base, edit(rng, base, 0.005, vocab), edit(rng, base, 0.005, vocab)):
            texts.append(" ".join(variant))
            truth.append(f"c{c}")
    for s in range(40):
        texts.append(" ".join(document(rng, vocab, 200)))
        truth.append(f"s{s}")
    return records(texts), truth


def _worker(url, namespace, table, barrier, queue):
    """One worker: its partition in small batches, each resolved against the shared index."""
    cfg = DedupConfig()
    index = RedisIndex.for_config(url, cfg, namespace)
    barrier.wait()
    out, started = [], time.time()
    for lo in range(0, table.num_rows, 4):
        result = deduplicate(table.slice(lo, 4), cfg, index=index)
        out += result.table.select(["id", "keep", "cluster_id", "duplicate_of"]).to_pylist()
    queue.put((out, started, time.time()))


def test_two_workers_never_both_keep_members_of_one_cluster(redis_url):
    table, truth = _corpus()
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    # Interleave so every cluster's members are split between the workers and arrive together.
    parts = [table.take(list(range(w, table.num_rows, 2))) for w in range(2)]
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(redis_url, namespace, p, barrier, queue)) for p in parts]
    try:
        for p in procs:
            p.start()
        (rows_a, start_a, end_a), (rows_b, start_b, end_b) = queue.get(timeout=120), queue.get(timeout=120)
        rows = rows_a + rows_b
        for p in procs:
            p.join(timeout=60)
            assert p.exitcode == 0
    finally:
        RedisIndex.for_config(redis_url, DedupConfig(), namespace).clear()
    # The workers really ran at the same time.
    assert max(start_a, start_b) < min(end_a, end_b)
    truth_of = dict(zip(table.column("id").to_pylist(), truth, strict=True))
    assert len(rows) == table.num_rows and {r["id"] for r in rows} == set(truth_of)
    keeps = defaultdict(int)
    for r in rows:
        keeps[truth_of[r["id"]]] += r["keep"]
    assert all(count <= 1 for count in keeps.values()), {k: v for k, v in keeps.items() if v > 1}
    # Every member points at a kept record, and every cluster was found (these copies are very close).
    kept_ids = {r["id"] for r in rows if r["keep"]}
    assert all(r["keep"] or r["duplicate_of"] in kept_ids for r in rows)
    assert sum(keeps.values()) == 80


def test_redis_index_agrees_with_the_in_memory_index(redis_url):
    table, _ = _corpus()
    cfg = DedupConfig()
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    shared = RedisIndex.for_config(redis_url, cfg, namespace)
    local = new_index(cfg)
    try:
        for lo in range(0, table.num_rows, 30):
            a = deduplicate(table.slice(lo, 30), cfg, index=shared)
            b = deduplicate(table.slice(lo, 30), cfg, index=local)
            assert a.table.equals(b.table)
        assert len(shared) == len(local)
        with pytest.raises(ValueError, match="different settings"):
            RedisIndex.for_config(redis_url, DedupConfig(num_perm=64), namespace)
    finally:
        shared.clear()
