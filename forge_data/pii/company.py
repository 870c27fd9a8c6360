"""What is personal or secret depends on the company: its id formats, its hosts, its own names.

``company_recognizers`` turns forge.yaml's ``pii.recognizers`` (employee ids, customer
numbers...) and ``pii.internal_domains`` (host names under corp.example.com) into Presidio
recognizers. ``AllowList`` keeps the company's product and team names: "Ada Assistant" or
"Team Falcon" look like people to a name model, and they are exactly what a company model
must learn.
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer

from forge_data.config import PiiConfig
from forge_data.pii.rules import RuleRecognizer, rule


def company_recognizers(cfg: PiiConfig) -> list[EntityRecognizer]:
    recognizers: list[EntityRecognizer] = []
    for rc in cfg.recognizers:
        # Case-sensitive, as written in forge.yaml; a pattern can ask for (?i) itself.
        rules = [rule(f"{rc.name}_{i}", rc.entity, p, rc.score) for i, p in enumerate(rc.patterns)]
        recognizers.append(RuleRecognizer(rc.name, rules, language=cfg.language, context=rc.context or None))
    if cfg.internal_domains:
        domains = "|".join(regex.escape(d) for d in sorted(cfg.internal_domains, key=len, reverse=True))
        host = rf"(?i)(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{domains})(?![\w-]|\.\w)"
        recognizers.append(
            RuleRecognizer(
                "internal_hosts",
                [rule("internal_hostname", "INTERNAL_HOSTNAME", host, 0.85)],
                language=cfg.language,
            )
        )
    return recognizers


def company_entities(cfg: PiiConfig) -> list[str]:
    entities = sorted({rc.entity for rc in cfg.recognizers})
    if cfg.internal_domains:
        entities.append("INTERNAL_HOSTNAME")
    return entities


class AllowList:
    """Case-insensitive whole-word terms; a finding inside one (or equal to one) is not PII."""

    def __init__(self, terms: list[str]):
        self.terms = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
        self._folded = frozenset(t.casefold() for t in self.terms)
        self._pattern = (
            regex.compile(r"(?i)(?<!\w)(?:" + "|".join(regex.escape(t) for t in self.terms) + r")(?!\w)")
            if self.terms
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.terms)

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self._pattern.finditer(text)] if self._pattern else []

    def contains(self, word: str) -> bool:
        return word.casefold() in self._folded

    def allows(self, text: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
        value = text[start:end].strip(" \t\n.,;:!?\"'()[]")
        if value.casefold() in self._folded:
            return True
        return any(s <= start and end <= e for s, e in spans)
