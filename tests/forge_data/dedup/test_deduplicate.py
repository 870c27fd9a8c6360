"""deduplicate(): exact and near duplicates at known edit rates, keep policies, accounting."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pyarrow as pa
import pytest

from forge_data.config import DedupConfig, ShingleConfig
from forge_data.dedup import deduplicate
from forge_data.schema import make_record, records_table

from .corpus import document, edit, records, vocabulary


def _rows(result) -> dict[str, dict]:
    return {r["id"]: r for r in result.table.to_pylist()}


def _check_accounting(result) -> None:
    t = result.table.to_pylist()
    s = result.stats
    assert s["inputs"] == len(t) == s["kept"] + s["duplicates"]
    assert s["duplicates"] == s["exact_duplicates"] + s["near_duplicates"]
    by_cluster: dict[str, list[dict]] = {}
    for r in t:
        by_cluster.setdefault(r["cluster_id"], []).append(r)
    for members in by_cluster.values():
        kept = [m for m in members if m["keep"]]
        assert len(kept) == 1
        for m in members:
            assert m["duplicate_of"] == (None if m["keep"] else kept[0]["id"])
            assert (m["dup_type"] is None) == m["keep"]


def test_exact_duplicates_follow_the_normalisation_settings():
    texts = ["Hello   World, again", "hello world, again", "HELLO WORLD again", "something else entirely"]
    result = deduplicate(records(texts), DedupConfig(near=False))
    kinds = [r["dup_type"] for r in result.table.to_pylist()]
    assert kinds == [None, "exact", None, None]
    result = deduplicate(records(texts), DedupConfig(near=False, strip_punctuation=True))
    assert [r["dup_type"] for r in result.table.to_pylist()] == [None, "exact", "exact", None]
    result = deduplicate(records(texts), DedupConfig(near=False, lowercase=False, collapse_whitespace=False))
    assert result.stats["duplicates"] == 0
    _check_accounting(result)


def test_near_duplicates_found_at_low_edit_rates_and_not_at_high_ones():
    rng = random.Random(11)
    vocab = vocabulary(rng)
    base = [document(rng, vocab, 200) for _ in range(60)]
    texts = [" ".join(w) for w in base]
    # Word 5-gram Jaccard after r substituted words out of 200 is about (196 - 5r) / (196 + 5r).
    light = {i: " ".join(edit(rng, base[i], 0.005, vocab)) for i in range(0, 20)}  # J ~ 0.95
    heavy = {i: " ".join(edit(rng, base[i], 0.15, vocab)) for i in range(20, 40)}  # J ~ 0.2
    all_texts = texts + list(light.values()) + list(heavy.values())
    result = deduplicate(records(all_texts), DedupConfig(threshold=0.8))
    rows = result.table.to_pylist()
    ids = [r["id"] for r in rows]
    for k, i in enumerate(light):
        pair = (rows[i], rows[60 + k])
        assert pair[0]["cluster_id"] == pair[1]["cluster_id"]
        assert sorted(r["dup_type"] or "" for r in pair) == ["", "near"]
    for k in range(len(heavy)):
        assert rows[80 + k]["keep"] and rows[80 + k]["cluster_id"] == ids[80 + k]
    assert result.stats["near_duplicates"] == 20
    assert result.stats["cluster_size_histogram"] == {"1": 60, "2": 20}
    assert result.stats["candidate_pairs"] >= result.stats["verified_pairs"] >= 20
    _check_accounting(result)


def test_kind_picks_code_or_prose_shingles():
    a = "total = price * qty + tax"
    b = "total = price * qty + taxes"
    cfg = DedupConfig(
        threshold=0.6,  # word 5-grams share 2 of 4 shingles (0.5); char 3-grams about 0.9
        prose_shingles=ShingleConfig(unit="word", size=5),
        code_shingles=ShingleConfig(unit="char", size=3),
    )
    as_doc = deduplicate(records([a, b], kind="doc"), cfg)
    as_code = deduplicate(records([a, b], kind="code"), cfg)
    assert as_doc.stats["duplicates"] == 0
    assert as_code.stats["near_duplicates"] == 1


def _policy_table() -> pa.Table:
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu " * 5
    rows = [
        make_record(
            kind="doc", source="chat", uri="a", text=text, created_at=datetime(2024, 1, 1, tzinfo=UTC)
        ),
        make_record(
            kind="doc", source="wiki", uri="b", text=text + " nu", created_at=datetime(2023, 1, 1, tzinfo=UTC)
        ),
        make_record(
            kind="doc", source="git", uri="c", text=text.upper(), created_at=datetime(2025, 1, 1, tzinfo=UTC)
        ),
    ]
    return records_table(rows)


@pytest.mark.parametrize(
    ("keep", "priority", "expected"),
    [
        ("longest", [], "b"),
        ("newest", [], "c"),
        ("source_priority", ["wiki", "git"], "b"),
        ("source_priority", ["git"], "c"),
    ],
)
def test_keep_policies(keep, priority, expected):
    result = deduplicate(_policy_table(), DedupConfig(keep=keep, source_priority=priority))
    rows = result.table.to_pylist()
    assert [r["uri"] for r in rows if r["keep"]] == [expected]
    assert len({r["cluster_id"] for r in rows}) == 1
    _check_accounting(result)


def test_stats_examples_name_ids_and_uris_only():
    texts = ["same text here for all three records"] * 3 + ["different"]
    result = deduplicate(records(texts), DedupConfig())
    (example,) = result.stats["example_clusters"]
    assert example["size"] == 3
    assert all(set(m) == {"id", "uri"} for m in example["members"])
    assert "same text" not in repr(result.stats)


@pytest.mark.parametrize("verify", ["exact", "signature"])
def test_spilled_path_gives_the_in_memory_result(verify):
    rng = random.Random(5)
    vocab = vocabulary(rng)
    base = [document(rng, vocab, 150) for _ in range(150)]
    texts = [" ".join(w) for w in base]
    texts += [
        " ".join(edit(rng, base[i], rng.choice([0.0, 0.01, 0.03, 0.06]), vocab)) for i in range(0, 150, 2)
    ]
    table = records(texts)
    in_memory = deduplicate(table, DedupConfig(verify=verify))
    spilled = deduplicate(table, DedupConfig(verify=verify, memory_budget_mb=0.02))
    assert not in_memory.stats["spilled"] and spilled.stats["spilled"]
    assert in_memory.table.equals(spilled.table)
    for key in ("kept", "exact_duplicates", "near_duplicates", "candidate_pairs", "verified_pairs"):
        assert in_memory.stats[key] == spilled.stats[key]
    assert in_memory.stats["duplicates"] > 30  # the 0% and 1% edits


def test_spill_folder_is_cleaned_up(tmp_path):
    texts = [f"document number {i} with some words in it" for i in range(50)]
    deduplicate(records(texts), DedupConfig(memory_budget_mb=0.001, work_dir=str(tmp_path)))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pa.table({"id": ["a"]}), "'text'"),
        (pa.table({"id": ["a", "a"], "text": ["x", "y"]}), "not unique"),
        (pa.table({"id": ["a", None], "text": ["x", "y"]}), "no 'id'"),
    ],
)
def test_bad_input_is_a_clear_error(table, message):
    with pytest.raises(ValueError, match=message):
        deduplicate(table, DedupConfig())


def test_empty_input():
    result = deduplicate(
        pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())}), DedupConfig()
    )
    assert result.stats["inputs"] == 0 and result.table.num_rows == 0


def test_verification_modes():
    rng = random.Random(2)
    vocab = vocabulary(rng)
    base = [document(rng, vocab, 100) for _ in range(30)]
    texts = [" ".join(w) for w in base] + [" ".join(edit(rng, w, 0.02, vocab)) for w in base[:10]]
    table = records(texts)
    exact = deduplicate(table, DedupConfig(verify="exact"))
    unverified = deduplicate(table, DedupConfig(verify="none"))
    assert unverified.stats["verified_pairs"] == unverified.stats["candidate_pairs"]
    assert exact.stats["verified_pairs"] <= exact.stats["candidate_pairs"]
    # Without verification every band collision joins, so nothing exact verification keeps apart joins less.
    assert unverified.stats["duplicates"] >= exact.stats["duplicates"] > 0
