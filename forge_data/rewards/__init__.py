"""The reward scorecard: weighted criteria from forge.yaml's ``scorecard:`` section, each a plain function.

    from forge_data.rewards import Scorecard, Vocabulary
    card = Scorecard(cfg.scorecard, known=Vocabulary.from_texts(corpus_texts))
    score = card.score(answer, prompt=question, reference=expected)
    score.total, score.breakdown            # the weighted sum, and each criterion's part of it

GRPO trains on it (``training.grpo``, one trl reward function per criterion), evaluation reports
its mean on the eval prompts (``training.evaluate``). Pure Python: no torch, no transformers.
"""

from __future__ import annotations

from forge_data.rewards.criteria import (
    correct_answer,
    degenerate,
    hallucination,
    length_overrun,
    security,
    terminology,
)
from forge_data.rewards.scorecard import DEFAULT_CRITERIA, CriterionScore, Score, Scorecard
from forge_data.rewards.vocabulary import Vocabulary

__all__ = [
    "DEFAULT_CRITERIA",
    "CriterionScore",
    "Score",
    "Scorecard",
    "Vocabulary",
    "correct_answer",
    "degenerate",
    "hallucination",
    "length_overrun",
    "security",
    "terminology",
]
