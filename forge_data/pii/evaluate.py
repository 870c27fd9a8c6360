"""Precision, recall and F2 per entity type of predicted spans against the labelled set.

A gold value counts as caught when predictions of its type cover every letter and digit
of it (a name half-redacted is a leak, so partial overlap is not enough). A prediction is
correct when it overlaps a gold value of its type. Planted secrets have the gold type
``SECRET``; any secret type (or URL credentials) covering one catches it, because what
matters is that it is gone, not what it was called. F2 weighs recall four times as much as
precision, which is the right trade for redaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forge_data.pii.evalset import PERSONAL_TYPES, SECRET, Sample
from forge_data.pii.secret_recognizers import SECRET_ENTITIES

_SECRET_LIKE = frozenset(SECRET_ENTITIES) | {"URL_CREDENTIALS"}


@dataclass
class TypeScore:
    type: str
    gold: int = 0
    caught: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def recall(self) -> float:
        return self.caught / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def f2(self) -> float:
        p, r = self.precision, self.recall
        return 5 * p * r / (4 * p + r) if p + r else 0.0

    def __add__(self, other: TypeScore) -> TypeScore:
        return TypeScore(
            self.type,
            self.gold + other.gold,
            self.caught + other.caught,
            self.predicted + other.predicted,
            self.correct + other.correct,
        )


def _gold_type(predicted_type: str) -> str:
    return SECRET if predicted_type in SECRET_ENTITIES else predicted_type


def _compatible(gold_type: str, predicted_type: str) -> bool:
    if gold_type == SECRET:
        return predicted_type in _SECRET_LIKE
    return gold_type == predicted_type


@dataclass
class Evaluation:
    by_type: dict[str, TypeScore]
    missed: list[tuple[str, str, str]]  # (sample id, gold type, value): synthetic values, for debugging
    false_positives: list[tuple[str, str, str]]  # (sample id, predicted type, text)


def score(samples: Sequence[Sample], predictions: Sequence[Iterable[tuple[str, int, int]]]) -> Evaluation:
    """Scores per type; ``predictions[i]`` holds (type, start, end) spans for ``samples[i]``."""
    scores: dict[str, TypeScore] = {}
    missed: list[tuple[str, str, str]] = []
    wrong: list[tuple[str, str, str]] = []
    for sample, preds in zip(samples, predictions, strict=True):
        preds = list(preds)
        text = sample.text
        for g in sample.spans:
            ts = scores.setdefault(g.type, TypeScore(g.type))
            ts.gold += 1
            covered = set()
            for t, s, e in preds:
                if _compatible(g.type, t) and s < g.end and g.start < e:
                    covered.update(range(max(s, g.start), min(e, g.end)))
            needed = {i for i in range(g.start, g.end) if text[i].isalnum()}
            if needed <= covered:
                ts.caught += 1
            else:
                missed.append((sample.id, g.type, text[g.start : g.end]))
        for t, s, e in preds:
            ts = scores.setdefault(_gold_type(t), TypeScore(_gold_type(t)))
            ts.predicted += 1
            if any(_compatible(g.type, t) and s < g.end and g.start < e for g in sample.spans):
                ts.correct += 1
            else:
                wrong.append((sample.id, t, text[s:e]))
    return Evaluation(scores, missed, wrong)


def combined(scores: dict[str, TypeScore], types: Iterable[str], name: str) -> TypeScore:
    total = TypeScore(name)
    for t in types:
        if t in scores:
            total = total + scores[t]
    total.type = name
    return total


def personal_total(scores: dict[str, TypeScore]) -> TypeScore:
    return combined(scores, PERSONAL_TYPES, "ALL_PERSONAL")


def table(scores: dict[str, TypeScore], order: Sequence[str] | None = None) -> str:
    """A Markdown table of the scores."""
    rows = [
        "| type | gold | caught | predicted | precision | recall | F2 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in order or sorted(scores):
        if t not in scores:
            continue
        s = scores[t]
        rows.append(
            f"| {t} | {s.gold} | {s.caught} | {s.predicted} | {s.precision:.3f} | {s.recall:.3f} | {s.f2:.3f} |"
        )
    return "\n".join(rows)
