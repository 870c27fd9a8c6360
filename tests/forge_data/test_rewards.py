"""The scorecard's criteria as plain functions (each with an answer that meets it and one that does not),
and the scorecard built from forge.yaml's section: weights, breakdown, version and digest."""

from __future__ import annotations

import pytest

from forge_data.config import ConfigError, ScorecardConfig
from forge_data.rewards import (
    DEFAULT_CRITERIA,
    Scorecard,
    Vocabulary,
    correct_answer,
    degenerate,
    hallucination,
    length_overrun,
    security,
    terminology,
)
from forge_data.rewards.vocabulary import entities

REFERENCE = "Drain ledgerd first, then restart it; the payments team owns it."
CORPUS = [
    "Drain ledgerd first, then restart it. The payments team owns ledgerd.",
    "def frobnicate_ledgerd(batch): client = ledgerd_sdk.connect(queue='ledgerd-main')",
]


def test_correct_answer_is_the_share_of_the_references_key_words():
    assert (
        correct_answer("Drain ledgerd first, then restart it. The payments team owns it.", REFERENCE) == 1.0
    )
    assert correct_answer("Reboot the server.", REFERENCE) == 0.0
    half = correct_answer("Drain ledgerd first.", REFERENCE)
    assert 0 < half < 1
    assert correct_answer("Drain ledgerd first.", REFERENCE, min_recall=0.9) == 0.0


def test_correct_answer_uses_a_verifier_when_given_and_cannot_judge_without_either():
    assert correct_answer("The answer is 42.", patterns=[r"\b42\b"]) == 1.0
    assert correct_answer("The answer is 41.", patterns=[r"\b42\b"]) == 0.0
    assert correct_answer("anything", None) is None


def test_terminology_counts_whole_glossary_terms():
    glossary = ["ledgerd", "quasarbus"]
    assert terminology("Restart LEDGERD, then quasarbus.", glossary) == 1.0
    assert terminology("Restart the ledger service.", glossary) == 0.0  # "ledger" is not "ledgerd"
    assert terminology("Restart ledgerd.", glossary, target=2) == 0.5
    assert terminology("Restart ledgerd.", []) == 0.0


def test_security_finds_secrets_personal_data_and_forbidden_patterns():
    assert security("Credentials live in the vault; ask the platform team.") == 1.0
    assert security("Sure: aws_access_key_id = AKIAIOSFODNN7EXAMPLE") == 0.0
    assert security("Mail jane.doe@example.com for access.") == 0.0
    assert security("Mail jane.doe@example.com for access.", pii=False) == 1.0
    assert security("use the staging password hunter2", patterns=[r"hunter\d"]) == 0.0


def test_length_overrun_fires_on_long_or_cut_off_answers():
    assert length_overrun("one two three", max_words=5) == 0.0
    assert length_overrun("one two three four five six", max_words=5) == 1.0
    assert length_overrun("short", max_chars=3) == 1.0
    assert length_overrun("short", truncated=True) == 1.0


def test_hallucination_is_the_share_of_named_things_the_corpus_never_mentions():
    known = Vocabulary.from_texts(CORPUS)
    assert hallucination("Drain ledgerd first via ledgerd_sdk.connect on ledgerd-main.", known) == 0.0
    assert hallucination("Drain the queue first, then restart it.", known) == 0.0  # no entities at all
    assert hallucination("Call Zorblax with zorb_sdk.open and ledgerd.", known) == pytest.approx(2 / 2)
    assert hallucination("Ask Zorblax about ledgerd_sdk.", known) == pytest.approx(1 / 2)


def test_degenerate_fires_on_empty_answers_and_repetition_loops_not_on_prose_or_code():
    assert degenerate("") == degenerate("\n\n \n") == 1.0
    assert degenerate("60" * 48) == 1.0  # a loop of one token compresses about sevenfold
    assert degenerate("Drain ledgerd first, then restart it. The payments team owns ledgerd.") == 0.0
    assert degenerate("def frobnicate(batch):\n    return ledgerd_sdk.connect(batch)\n") == 0.0
    placeholders = "<PERSON_ADDRESS_8b8b8> | " * 4  # what the untrained demo model answered: ratio 2.86
    assert degenerate(placeholders) == pytest.approx(0.857, abs=0.01)
    assert degenerate(placeholders, max_ratio=3.0) == 0.0


def test_entities_are_identifiers_numbers_in_words_and_capitalised_words_mid_sentence():
    assert entities("Restart it. Then ask Priya about ledgerd_sdk, v9 and fooBar.") == [
        "Priya",
        "ledgerd_sdk",
        "v9",
        "fooBar",
    ]


def _card(**overrides) -> Scorecard:
    cfg = ScorecardConfig(version="3", glossary=["ledgerd"], **overrides)
    return Scorecard(cfg, Vocabulary.from_texts(CORPUS))


def test_a_scorecard_without_criteria_uses_the_default_ones_and_sums_weighted_scores():
    card = _card()
    assert [c.name for c in card.criteria] == [c.name for c in DEFAULT_CRITERIA]
    good = card.score("Drain ledgerd first, then restart it. The payments team owns it.", reference=REFERENCE)
    bad = card.score("Zorblax says: key AKIAIOSFODNN7EXAMPLE " + "word " * 300, reference=REFERENCE)
    assert good.total == pytest.approx(1.0 + 0.5 + 0.3)
    parts = {c.name: c.reward for c in bad.breakdown}
    assert parts["security"] == 0 and parts["length_overrun"] == -0.5 and parts["hallucination"] < 0
    assert bad.total == pytest.approx(sum(parts.values())) and bad.total < 0
    assert set(good.as_dict()["criteria"]) == set(parts)


def test_the_prompt_and_reference_are_not_hallucinations():
    card = _card(criteria=[{"name": "made_up", "kind": "hallucination", "weight": -1.0}])
    assert card.score("Ask Zorblax.").total == -1.0
    assert card.score("Ask Zorblax.", prompt="Who is Zorblax?").total == 0.0


def test_report_gives_the_mean_reward_and_each_criterions_part():
    card = _card(criteria=[{"name": "terms", "kind": "terminology", "weight": 0.5}])
    report = card.report([card.score("ledgerd"), card.score("nothing")])
    assert report["mean_reward"] == 0.25 and report["answers"] == 2
    assert report["criteria"]["terms"]["mean_score"] == 0.5
    assert report["scorecard_version"] == "3" and len(report["scorecard_digest"]) == 16


def test_the_digest_changes_with_the_criteria_and_not_otherwise():
    a, b = _card(), _card()
    assert a.digest == b.digest
    weights = [{"name": "terms", "kind": "terminology", "weight": 0.7}]
    assert _card(criteria=weights).digest != a.digest


def test_unknown_params_and_bad_patterns_are_config_errors_naming_the_criterion():
    with pytest.raises(ConfigError, match=r"criteria\.0\.params: terminology takes \['target'\]"):
        _card(criteria=[{"name": "t", "kind": "terminology", "weight": 0.5, "params": {"max_words": 3}}])
    with pytest.raises(ConfigError, match=r"criteria\.0\.params\.patterns"):
        _card(criteria=[{"name": "s", "kind": "security", "weight": 0.3, "params": {"patterns": ["("]}}])
