"""Drift statistics, and drift between two real commits of the embedded version store."""

import math
import random
from collections import Counter

import pytest

from forge_data.config import DriftConfig
from forge_data.drift import (
    compare,
    drift_between,
    js_divergence,
    ks_distance,
    new_terms,
    profile,
    total_variation,
)
from forge_data.schema import make_record, records_table
from forge_data.steps.publish import RECORDS_PREFIX
from forge_data.store.embedded import EmbeddedStore
from forge_data.store.factory import write_table


def test_js_divergence_is_bounded_symmetric_and_zero_only_for_equal_distributions():
    p, q = Counter(a=8, b=2), Counter(a=2, b=8)
    assert js_divergence(p, p) == 0.0
    assert js_divergence(p, Counter(a=80, b=20)) == pytest.approx(0.0)  # scale does not matter
    assert js_divergence(p, q) == pytest.approx(js_divergence(q, p))
    # By hand: M = (0.5, 0.5); JS = KL(P||M) = 0.8 log2 1.6 + 0.2 log2 0.4.
    assert js_divergence(p, q) == pytest.approx(0.8 * math.log2(1.6) + 0.2 * math.log2(0.4))
    assert js_divergence(Counter(a=1), Counter(b=3)) == 1.0
    assert js_divergence(Counter(), Counter()) == 0.0
    assert js_divergence(Counter(), Counter(a=1)) == 1.0


def test_new_terms_counts_only_frequent_terms_of_the_new_data():
    old = Counter(pump=10, valve=4)
    new = Counter(pump=9, valve=5, gearbox=7, turbine=3, typo=1)
    share, unseen = new_terms(old, new, top=10, min_count=3)
    assert unseen == ["gearbox", "turbine"]  # "typo" is too rare to count, most frequent first
    assert share == pytest.approx(2 / 4)
    share, unseen = new_terms(old, new, top=2, min_count=1)  # only the top 2: pump, gearbox
    assert (share, unseen) == (0.5, ["gearbox"])
    assert new_terms(old, Counter(), top=10, min_count=1) == (0.0, [])


def _ks_brute(a: list[int], b: list[int]) -> float:
    points = sorted(set(a) | set(b))
    return max(abs(sum(x <= t for x in a) / len(a) - sum(x <= t for x in b) / len(b)) for t in points)


def test_ks_distance_matches_the_definition_on_random_samples():
    rng = random.Random(3)
    for _ in range(50):
        a = sorted(rng.randint(0, 20) for _ in range(rng.randint(1, 30)))
        b = sorted(rng.randint(5, 30) for _ in range(rng.randint(1, 30)))
        assert ks_distance(a, b) == pytest.approx(_ks_brute(a, b))
    assert ks_distance([], []) == 0.0 and ks_distance([1], []) == 1.0


def test_total_variation_is_the_share_of_mass_that_moved():
    assert total_variation({"python": 50, "en": 50}, {"python": 50, "en": 50}) == 0.0
    assert total_variation({"python": 50, "en": 50}, {"python": 80, "en": 20}) == pytest.approx(0.3)
    assert total_variation({"go": 1}, {"rust": 1}) == 1.0


def test_profile_counts_words_not_numbers_and_lengths_per_record():
    p = profile(["Deploy ledgerd v2 to eu_west 3 times", "", "ok"], ["en", None, "en"])
    assert p.records == 3
    assert p.terms == Counter(deploy=1, ledgerd=1, v2=1, to=1, eu_west=1, times=1, ok=1)
    assert p.lengths == [0, 1, 6]
    assert p.languages == Counter(en=2, unknown=1)


def test_compare_flags_exactly_the_figures_over_their_thresholds():
    old = profile(["the pump feeds the valve"] * 20, ["en"] * 20)
    new = profile(
        ["the pump feeds the valve"] * 20 + ["gearbox gearbox torque torque sensor calibration"] * 20,
        ["en"] * 20 + ["de"] * 20,
    )
    cfg = DriftConfig(
        max_js_divergence=0.9, max_new_term_share=0.2, max_length_shift=0.9, max_language_shift=0.1
    )
    report = compare(old, new, cfg)
    assert report.new_term_share == pytest.approx(4 / 8)  # gearbox, torque, sensor, calibration are new
    assert report.language_shift == pytest.approx(0.5)
    assert report.exceeded == ["new_term_share", "language_shift"]
    assert report.new_terms[:2] == ["gearbox", "torque"]
    text = report.summary()
    assert "share of new frequent terms 0.500 (max 0.200) EXCEEDED" in text
    assert "word distribution divergence" in text and "EXCEEDED" not in text.split(";")[1]
    same = compare(old, old, cfg)
    assert same.exceeded == [] and same.js_divergence == 0 and same.length_shift == 0


def _commit(store: EmbeddedStore, branch: str, records: list[dict]) -> str:
    store.create_branch(branch, source="main", exist_ok=True)
    write_table(store, branch, f"{RECORDS_PREFIX}wiki.parquet", records_table(records))
    store.commit(branch, f"records on {branch}")
    return store.merge(branch, "main").id


def _doc(i: int, text: str, language: str = "en") -> dict:
    return make_record(kind="doc", source="wiki", uri=f"wiki/page-{i}.md", text=text, language=language)


def test_drift_between_two_commits_of_a_real_store(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    base = [_doc(i, f"runbook {i}: restart the ledger queue and page the payments team") for i in range(60)]
    first = _commit(store, "run-1", base)
    # The next publish adds a product the model never saw and drops ten old pages.
    added = [
        _doc(100 + i, f"zephyrcore firmware {i}: flash the zephyrcore bootloader over canbus")
        for i in range(40)
    ]
    second = _commit(store, "run-2", base[10:] + added)

    cfg = DriftConfig()
    report = drift_between(store, first, second, cfg)
    assert (report.old_records, report.new_records) == (60, 90)
    assert (report.added_records, report.removed_records) == (40, 10)
    assert {"zephyrcore", "bootloader", "canbus"} <= set(report.new_terms)
    assert "new_term_share" in report.exceeded and "js_divergence" in report.exceeded

    unchanged = drift_between(store, second, second, cfg)
    assert unchanged.exceeded == [] and unchanged.js_divergence == 0.0


def test_sampling_by_record_id_adds_no_drift_of_its_own(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    rng = random.Random(0)
    words = [f"term{i}" for i in range(300)]
    base = [_doc(i, " ".join(rng.choices(words, k=rng.randint(5, 60)))) for i in range(400)]
    first = _commit(store, "run-1", base)
    second = _commit(store, "run-2", base + [_doc(1000, "one more page about term1 and term2")])
    sampled = DriftConfig(sample_records=100)
    report = drift_between(store, first, second, sampled)
    # The shared 400 records fall into both samples or neither, so one added page barely moves anything.
    assert report.js_divergence < 0.01 and report.length_shift < 0.02 and report.exceeded == []
    assert (report.old_records, report.new_records, report.added_records) == (400, 401, 1)
