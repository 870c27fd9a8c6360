"""A Presidio recognizer built from regular-expression rules that can pick a group and validate.

Presidio's ``PatternRecognizer`` reports the whole match; secrets and addresses need the
value inside an assignment or a URL (``password = "…"`` must keep its quotes so code stays
valid), and some matches need a check beyond the regex (entropy, a decodable JWT header).
Patterns are compiled once, at construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import regex
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

# A validator gets the match and returns the score to report, or (score, entity) to report
# another of the rule's entities, or None to drop the match.
Validator = Callable[["regex.Match[str]"], "float | tuple[float, str] | None"]


@dataclass(frozen=True)
class Rule:
    name: str
    entities: tuple[str, ...]  # the first is the default; a validator may pick another
    pattern: regex.Pattern
    score: float
    groups: tuple[int | str, ...] = (0,)  # the first group that took part in the match is the span
    validate: Validator | None = None
    overlapped: bool = False  # also match inside another match (an assignment inside a string)


def rule(
    name: str,
    entity: str,
    pattern: str,
    score: float,
    *,
    group: int | str | tuple[int | str, ...] = 0,
    flags: int = 0,
    validate: Validator | None = None,
    also: tuple[str, ...] = (),
    overlapped: bool = False,
) -> Rule:
    groups = group if isinstance(group, tuple) else (group,)
    return Rule(name, (entity, *also), regex.compile(pattern, flags), score, groups, validate, overlapped)


class RuleRecognizer(EntityRecognizer):
    """Runs its rules over the text; each result names the rule that found it (``<recognizer>:<rule>``)."""

    def __init__(
        self, name: str, rules: Iterable[Rule], *, language: str = "en", context: list[str] | None = None
    ):
        self.rules = list(rules)
        super().__init__(
            supported_entities=sorted({e for r in self.rules for e in r.entities}),
            name=name,
            supported_language=language,
            context=context,
        )

    def load(self) -> None:  # patterns are compiled at construction
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        results = []
        for r in self.rules:
            if not any(e in entities for e in r.entities):
                continue
            for m in r.pattern.finditer(text, overlapped=r.overlapped):
                start, end = next((m.span(g) for g in r.groups if m.span(g)[0] >= 0), (-1, -1))
                if end <= start:
                    continue
                entity, score = r.entities[0], r.score
                if r.validate is not None:
                    verdict = r.validate(m)
                    if not verdict:
                        continue
                    score, entity = verdict if isinstance(verdict, tuple) else (verdict, entity)
                if entity not in entities:
                    continue
                results.append(
                    RecognizerResult(
                        entity_type=entity,
                        start=start,
                        end=end,
                        score=score,
                        analysis_explanation=AnalysisExplanation(
                            recognizer=self.name, original_score=score, pattern_name=r.name
                        ),
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: f"{self.name}:{r.name}",
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results
