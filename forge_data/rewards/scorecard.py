"""A scorecard: forge.yaml's weighted criteria applied to answers, with a per-criterion breakdown.

The scorecard is versioned with the data: its ``version`` (written in forge.yaml) and ``digest`` (a
hash of the version, glossary and criteria as configured) go into every summary, model card and
registry entry that reports a reward, so a reward is never compared across different scorecards
unknowingly.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from forge_data.config import ConfigError, CriterionConfig, ScorecardConfig
from forge_data.rewards import criteria
from forge_data.rewards.vocabulary import Vocabulary

# What a project without its own criteria is scored on: the five usual criteria, and the guard
# against empty or looping answers that GRPO would otherwise learn to give.
DEFAULT_CRITERIA = [
    CriterionConfig(name="correct_answer", kind="correct_answer", weight=1.0),
    CriterionConfig(name="terminology", kind="terminology", weight=0.5),
    CriterionConfig(name="security", kind="security", weight=0.3),
    CriterionConfig(name="length_overrun", kind="length_overrun", weight=-0.5),
    CriterionConfig(name="hallucination", kind="hallucination", weight=-1.0),
    CriterionConfig(name="degenerate", kind="degenerate", weight=-1.0),
]

FUNCTIONS: dict[str, Callable[..., float | None]] = {
    "correct_answer": criteria.correct_answer,
    "terminology": criteria.terminology,
    "security": criteria.security,
    "length_overrun": criteria.length_overrun,
    "hallucination": criteria.hallucination,
    "degenerate": criteria.degenerate,
}
# What the scorecard supplies itself; everything else keyword-only is a param a user may set.
_SUPPLIED = {"completion", "reference", "glossary", "known", "truncated"}


def allowed_params(kind: str) -> set[str]:
    signature = inspect.signature(FUNCTIONS[kind])
    return {n for n, p in signature.parameters.items() if p.kind is p.KEYWORD_ONLY and n not in _SUPPLIED}


@dataclass(frozen=True)
class CriterionScore:
    name: str
    kind: str
    weight: float
    score: float | None  # None: the criterion could not judge this answer (no reference)

    @property
    def reward(self) -> float:
        return 0.0 if self.score is None else self.weight * self.score + 0.0  # no -0.0


@dataclass(frozen=True)
class Score:
    breakdown: tuple[CriterionScore, ...]

    @property
    def total(self) -> float:
        return sum(c.reward for c in self.breakdown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": round(self.total, 6),
            "criteria": {c.name: {"score": c.score, "reward": round(c.reward, 6)} for c in self.breakdown},
        }


class Scorecard:
    """Scores answers against ``cfg``'s criteria; ``known`` is the reference corpus for hallucination."""

    def __init__(self, cfg: ScorecardConfig, known: Vocabulary | None = None):
        self.config = cfg
        self.criteria = list(cfg.criteria) or list(DEFAULT_CRITERIA)
        self.glossary = list(cfg.glossary)
        self.known = known or Vocabulary()
        self.known.add(" ".join(self.glossary))
        names = [c.name for c in self.criteria]
        if len(set(names)) != len(names):
            raise ConfigError(f"scorecard.criteria: names must be unique, got {names}")
        for i, c in enumerate(self.criteria):
            unknown = sorted(set(c.params) - allowed_params(c.kind))
            if unknown:
                raise ConfigError(
                    f"scorecard.criteria.{i}.params: {c.kind} takes {sorted(allowed_params(c.kind))}, "
                    f"not {unknown}"
                )
            for pattern in c.params.get("patterns") or []:
                try:
                    re.compile(pattern)
                except re.error as err:
                    raise ConfigError(f"scorecard.criteria.{i}.params.patterns: {pattern!r}: {err}") from None

    @property
    def version(self) -> str:
        return self.config.version

    @property
    def digest(self) -> str:
        payload = {
            "version": self.version,
            "glossary": self.glossary,
            "criteria": [c.model_dump(mode="json") for c in self.criteria],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        """What a summary reports about the scorecard itself."""
        return {
            "version": self.version,
            "digest": self.digest,
            "criteria": {c.name: {"kind": c.kind, "weight": c.weight} for c in self.criteria},
        }

    def criterion(
        self,
        c: CriterionConfig,
        completion: str,
        *,
        prompt: str | None = None,
        reference: str | None = None,
        truncated: bool = False,
    ) -> float | None:
        """One criterion's score for one answer."""
        if c.kind == "correct_answer":
            return criteria.correct_answer(completion, reference, **c.params)
        if c.kind == "terminology":
            return criteria.terminology(completion, self.glossary, **c.params)
        if c.kind == "security":
            return criteria.security(completion, **c.params)
        if c.kind == "length_overrun":
            return criteria.length_overrun(completion, truncated=truncated, **c.params)
        if c.kind == "degenerate":
            return criteria.degenerate(completion, **c.params)
        # What the question and the expected answer name is not made up.
        context = " ".join(t for t in (prompt, reference) if t)
        return criteria.hallucination(completion, self.known.extended(context) if context else self.known)

    def score(
        self,
        completion: str,
        *,
        prompt: str | None = None,
        reference: str | None = None,
        truncated: bool = False,
    ) -> Score:
        return Score(
            tuple(
                CriterionScore(
                    c.name,
                    c.kind,
                    c.weight,
                    self.criterion(c, completion, prompt=prompt, reference=reference, truncated=truncated),
                )
                for c in self.criteria
            )
        )

    def report(self, scores: Sequence[Score]) -> dict[str, Any]:
        """Mean reward over ``scores`` and each criterion's mean score and reward (None-scores left out)."""
        per: dict[str, Any] = {}
        for c in self.criteria:
            parts = [s for score in scores for s in score.breakdown if s.name == c.name]
            judged = [s.score for s in parts if s.score is not None]
            per[c.name] = {
                "kind": c.kind,
                "weight": c.weight,
                "judged": len(judged),
                "mean_score": round(sum(judged) / len(judged), 4) if judged else None,
                "mean_reward": round(sum(s.reward for s in parts) / len(parts), 4) if parts else None,
            }
        mean = sum(s.total for s in scores) / len(scores) if scores else None
        return {
            "scorecard_version": self.version,
            "scorecard_digest": self.digest,
            "answers": len(scores),
            "mean_reward": None if mean is None else round(mean, 4),
            "criteria": per,
        }
