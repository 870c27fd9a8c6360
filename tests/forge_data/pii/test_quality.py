"""Quality regression: recall and precision on the generated labelled set, and every planted secret.

The set uses another seed than bench/pii_eval.py, so the rules are not only tuned to one draw.
Each document is redacted as its own batch here (no help from names seen in other documents);
the bench reports both that and whole-corpus batches. Timing is the bench's business.
"""

from __future__ import annotations

import pytest

from forge_data.pii import evaluate
from forge_data.pii.evalset import COMPANY_TYPES, PATTERN_TYPES, SECRET, generate, planted_secrets
from forge_data.pii.evaltemplates import SECRET_FILES


def _predict(redactor, samples, *, one_by_one: bool):
    if one_by_one:
        dets = [redactor.detector.detect([s.text], [s.kind], [s.language])[0] for s in samples]
    else:
        dets = redactor.detector.detect(
            [s.text for s in samples], [s.kind for s in samples], [s.language for s in samples]
        )
    return [[(f.type, f.start, f.end) for f in d.findings] for d in dets]


@pytest.fixture(scope="module")
def personal(redactor):
    samples = generate(n_chat=90, n_wiki=30, n_code=50, seed=11)
    return evaluate.score(samples, _predict(redactor, samples, one_by_one=True)).by_type


@pytest.mark.parametrize("entity", PATTERN_TYPES)
def test_pattern_types_recall_at_least_99_percent(personal, entity):
    assert personal[entity].gold >= 10, "the set must hold enough values to measure"
    assert personal[entity].recall >= 0.99, f"{entity}: recall {personal[entity].recall:.3f}"


@pytest.mark.parametrize("entity", ["PERSON", "STREET_ADDRESS", "URL_CREDENTIALS"])
def test_personal_entities_f2_at_least_090(personal, entity):
    assert personal[entity].gold >= 10
    assert personal[entity].f2 >= 0.90, f"{entity}: F2 {personal[entity].f2:.3f}"


def test_all_personal_entities_f2_at_least_090(personal):
    total = evaluate.personal_total(personal)
    assert total.f2 >= 0.90, f"F2 {total.f2:.3f}"


@pytest.mark.parametrize("entity", COMPANY_TYPES)
def test_company_entities_recall(personal, entity):
    assert personal[entity].recall >= 0.99


def test_every_planted_secret_is_caught_and_look_alikes_are_not(redactor):
    samples = planted_secrets(copies=2, seed=5)
    result = evaluate.score(samples, _predict(redactor, samples, one_by_one=False))
    secrets = result.by_type[SECRET]
    assert secrets.gold == 2 * sum(t.count("«SECRET_") for _, t in SECRET_FILES)
    assert secrets.caught == secrets.gold, f"missed: {[m[0] for m in result.missed]}"
    negatives = [s for s in samples if s.id.startswith("secret-neg")]
    flagged = [fp for fp in result.false_positives if fp[0].startswith("secret-neg")]
    assert negatives and not flagged, f"look-alikes flagged in {[f[0] for f in flagged]}"


def test_whole_corpus_batch_is_at_least_as_good_as_one_by_one(redactor):
    samples = generate(n_chat=40, n_wiki=10, n_code=10, seed=12)
    alone = evaluate.score(samples, _predict(redactor, samples, one_by_one=True)).by_type["PERSON"]
    batch = evaluate.score(samples, _predict(redactor, samples, one_by_one=False)).by_type["PERSON"]
    assert batch.recall >= alone.recall
    assert batch.f2 >= 0.90
