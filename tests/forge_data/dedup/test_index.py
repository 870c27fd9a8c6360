"""Incremental dedup: a new batch is checked against the saved index of published data."""

from __future__ import annotations

import random

import pytest

from forge_data.config import DedupConfig
from forge_data.dedup import LshIndex, deduplicate, new_index

from .corpus import document, edit, records, vocabulary


def test_new_batch_is_checked_against_the_saved_index(tmp_path):
    rng = random.Random(21)
    vocab = vocabulary(rng)
    base = [document(rng, vocab, 150) for _ in range(40)]
    cfg = DedupConfig()

    published = deduplicate(records([" ".join(w) for w in base]), cfg, index=new_index(cfg))
    assert published.stats["kept"] == 40
    index = new_index(cfg)
    deduplicate(records([" ".join(w) for w in base]), cfg, index=index)
    index.save(tmp_path / "index")
    assert len(LshIndex.load(tmp_path / "index")) == 40

    # The next batch: an exact copy, a light edit, a heavy edit and a brand-new text.
    batch_texts = [
        " ".join(base[3]).upper(),
        " ".join(edit(rng, base[7], 0.005, vocab)),
        " ".join(edit(rng, base[9], 0.3, vocab)),
        " ".join(document(rng, vocab, 150)),
    ]
    batch = records(batch_texts, start=100)
    reloaded = LshIndex.load(tmp_path / "index")
    result = deduplicate(batch, cfg, index=reloaded)
    rows = result.table.to_pylist()
    old_ids = records([" ".join(w) for w in base]).column("id").to_pylist()
    assert [r["dup_type"] for r in rows] == ["exact", "near", None, None]
    assert [r["duplicate_of"] for r in rows[:2]] == [old_ids[3], old_ids[7]]
    assert [r["cluster_id"] for r in rows[:2]] == [old_ids[3], old_ids[7]]
    assert [r["keep"] for r in rows] == [False, False, True, True]
    assert result.stats["index_matches"] == 2
    assert result.stats["inputs"] == result.stats["kept"] + result.stats["duplicates"] == 4
    # The kept newcomers joined the index: running the batch again finds them all.
    assert len(reloaded) == 42
    again = deduplicate(batch, cfg, index=reloaded)
    assert again.stats["kept"] == 0 and again.stats["index_matches"] == 4


def test_index_refuses_other_settings(tmp_path):
    index = new_index(DedupConfig(num_perm=64))
    deduplicate(records(["some text to index here"]), DedupConfig(num_perm=64), index=index)
    index.save(tmp_path)
    with pytest.raises(ValueError, match="different settings"):
        deduplicate(records(["x y z"]), DedupConfig(num_perm=128), index=LshIndex.load(tmp_path))
    with pytest.raises(FileNotFoundError):
        LshIndex.load(tmp_path / "missing")


def test_index_with_spilled_batch_matches_in_memory(tmp_path):
    rng = random.Random(8)
    vocab = vocabulary(rng)
    base = [document(rng, vocab, 100) for _ in range(30)]
    cfg = DedupConfig()
    index = new_index(cfg)
    deduplicate(records([" ".join(w) for w in base]), cfg, index=index)
    index.save(tmp_path)
    batch = records(
        [" ".join(edit(rng, w, 0.01, vocab)) for w in base[:10]] + ["fresh words " * 20], start=50
    )
    small = DedupConfig(memory_budget_mb=0.005)
    a = deduplicate(batch, cfg, index=LshIndex.load(tmp_path))
    b = deduplicate(batch, small, index=LshIndex.load(tmp_path))
    assert b.stats["spilled"] and a.table.equals(b.table)
    assert a.stats["index_matches"] >= 8  # J ~ 0.9: LSH finds such a pair with p ~ 0.93
