"""curation.dedup.shared_index in forge.yaml: two worker processes deduplicate partitions that share
near-duplicate clusters, at the same time, against one Redis index; no cluster gets two keepers."""

from __future__ import annotations

import multiprocessing as mp
import uuid
from collections import defaultdict

import pytest

from forge_data.config import ConfigError, load
from forge_data.dedup import RedisIndex
from forge_data.steps.curate import deduplicate_partition
from tests.forge_data.dedup.test_redis_index import _corpus
from tests.forge_data.steps import mini_company

pytestmark = pytest.mark.service


def _worker(config, table, barrier, queue):
    cfg = load(config)
    barrier.wait()  # both partitions go in together, so their clusters race for the index
    out = []
    for lo in range(0, table.num_rows, 4):
        out += deduplicate_partition(cfg, table.slice(lo, 4)).table.select(["id", "keep"]).to_pylist()
    queue.put(out)


def test_partitions_on_two_workers_share_one_index(redis_url, tmp_path, monkeypatch):
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    shared = {"url_env": "FORGE_TEST_DEDUP_URL", "namespace": namespace}
    config = mini_company.write_config(tmp_path / "forge.yaml", curation={"dedup": {"shared_index": shared}})
    monkeypatch.setenv("FORGE_TEST_DEDUP_URL", redis_url)  # the spawned workers inherit it
    cfg = load(config)
    table, truth = _corpus()
    parts = [table.take(list(range(w, table.num_rows, 2))) for w in range(2)]
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(str(config), p, barrier, queue)) for p in parts]
    try:
        for p in procs:
            p.start()
        rows = queue.get(timeout=120) + queue.get(timeout=120)
        for p in procs:
            p.join(timeout=60)
            assert p.exitcode == 0
        assert len(RedisIndex.from_settings(cfg.curation.dedup)) > 0  # the index forge.yaml named
    finally:
        RedisIndex.from_settings(cfg.curation.dedup).clear()
    truth_of = dict(zip(table.column("id").to_pylist(), truth, strict=True))
    keeps = defaultdict(int)
    for r in rows:
        keeps[truth_of[r["id"]]] += r["keep"]
    assert len(rows) == table.num_rows
    assert all(count == 1 for count in keeps.values()), {k: v for k, v in keeps.items() if v != 1}


def test_shared_index_is_named_in_the_file_and_reached_through_the_environment(tmp_path, monkeypatch):
    config = mini_company.write_config(
        tmp_path / "forge.yaml", curation={"dedup": {"shared_index": {"url_env": "FORGE_NO_SUCH_URL"}}}
    )
    cfg = load(config)
    monkeypatch.delenv("FORGE_NO_SUCH_URL", raising=False)
    with pytest.raises(ValueError, match="FORGE_NO_SUCH_URL is not set"):
        RedisIndex.from_settings(cfg.curation.dedup)
    # Where the index lives is not part of the data's identity.
    plain = load(mini_company.write_config(tmp_path / "plain.yaml", curation={"dedup": {}}))
    assert cfg.fingerprint() == plain.fingerprint()
    with pytest.raises(ConfigError, match=r"curation\.dedup\.shared_index\.url_env"):
        load(
            mini_company.write_config(
                tmp_path / "bad.yaml", curation={"dedup": {"shared_index": {"url_env": "redis://x"}}}
            )
        )
