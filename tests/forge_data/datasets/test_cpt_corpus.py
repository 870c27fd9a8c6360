from __future__ import annotations

import pytest

from forge_data.datasets import build_cpt_corpus, read_dataset, write_dataset
from forge_data.schema import make_record, records_table
from tests.training.synthetic import company_records


def _chars(rows, kind):
    return sum(len(r["text"]) for r in rows if r["kind"] == kind)


def test_holdout_is_stable_across_seeds_and_mixes():
    records = company_records(n_docs=60, n_code=60, n_threads=60)
    a = build_cpt_corpus(records, {"code": 1, "doc": 1, "chat": 1}, holdout_fraction=0.2, seed=0)
    b = build_cpt_corpus(records, {"code": 0.1, "doc": 0.8, "chat": 0.1}, holdout_fraction=0.2, seed=7)
    ids = {r["id"] for r in a.eval}
    assert ids == {r["id"] for r in b.eval}
    assert 0.08 < len(ids) / len(records) < 0.35
    # no held-out document leaks into training
    assert not ids & {r["id"] for r in a.train}


def test_mix_weights_shape_the_training_text():
    records = company_records(n_docs=15, n_code=120, n_threads=40)
    corpus = build_cpt_corpus(records, {"code": 0.2, "doc": 0.6, "chat": 0.2}, holdout_fraction=0.05, seed=1)
    total = sum(len(r["text"]) for r in corpus.train)
    assert _chars(corpus.train, "doc") / total == pytest.approx(0.6, abs=0.08)
    assert _chars(corpus.train, "code") / total == pytest.approx(0.2, abs=0.08)
    assert (
        corpus.stats["per_kind"]["doc"]["repeat_factor"]
        > 1
        > corpus.stats["per_kind"]["code"]["repeat_factor"]
    )
    # a zero weight leaves a kind out entirely, and the stats still account for its documents
    only_docs = build_cpt_corpus(records, {"doc": 1.0}, holdout_fraction=0.05, seed=1)
    assert {r["kind"] for r in only_docs.train} == {"doc"}
    s = only_docs.stats
    assert s["records_in"] == s["quarantined"] + s["heldout_documents"] + s["train_documents"]
    assert s["train_documents"] == s["sampled_documents"] + s["not_sampled_documents"]


def test_same_seed_same_corpus_and_rows_round_trip(tmp_path):
    records = records_table(company_records())
    a = build_cpt_corpus(records, {"code": 0.4, "doc": 0.4, "chat": 0.2}, 0.1, seed=3)
    b = build_cpt_corpus(records, {"code": 0.4, "doc": 0.4, "chat": 0.2}, 0.1, seed=3)
    assert a.train == b.train
    for name in ("train.jsonl", "train.parquet"):
        path = write_dataset(a.train, tmp_path / name)
        assert read_dataset(path) == a.train
    assert set(a.train[0]) == {"text", "kind", "id"}


def test_bad_records_are_quarantined_not_dropped():
    good = company_records(n_docs=3, n_code=0, n_threads=0)
    empty = make_record(kind="doc", source="wiki", uri="wiki/empty.md", text="   ")
    corpus = build_cpt_corpus(good + [empty], {"doc": 1.0}, holdout_fraction=0.0)
    assert [q["reason"] for q in corpus.quarantine] == ["empty_text"]
    assert corpus.quarantine[0]["uri"] == "wiki/empty.md"
    assert corpus.stats["records_in"] == 4 and corpus.stats["quarantined"] == 1


def test_bad_mix_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown kinds"):
        build_cpt_corpus([], {"video": 1.0})
    with pytest.raises(ValueError, match="positive sum"):
        build_cpt_corpus([], {"doc": 0.0})
