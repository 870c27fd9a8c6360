"""Words and named things in text: the reference corpus' vocabulary, and the entities an answer names.

An entity is what a model can make up: an identifier (``ledgerd_sdk``, ``queue.main``,
``frob-9``, ``ledgerdClient``), a word with digits in it (``v9``, ``EMP-004211``) or a capitalised
word that does not start a sentence (``Zorblax``). Plain lower-case words are never entities, so
an answer in ordinary language is never taken for a hallucination.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

WORD = re.compile(r"[A-Za-z0-9_]+(?:[.\-/:][A-Za-z0-9_]+)*")
_PARTS = re.compile(r"[.\-/:_]")
_SENTENCE_END = re.compile(r"[.!?:\n]\s*$")
_INNER_UPPER = re.compile(r"[a-z][A-Z]")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def _is_entity(word: str, sentence_start: bool) -> bool:
    if len(word) < 2 or word.isdigit():
        return False
    if _PARTS.search(word) or _INNER_UPPER.search(word):
        return True
    if any(c.isdigit() for c in word):
        return True
    return word[0].isupper() and not sentence_start


def entities(text: str) -> list[str]:
    """The identifiers and proper-noun-like words of ``text``, in order, each once."""
    found: dict[str, None] = {}
    for m in WORD.finditer(text):
        before = text[: m.start()]
        start = not before.strip() or bool(_SENTENCE_END.search(before))
        if _is_entity(m.group(), start):
            found.setdefault(m.group(), None)
    return list(found)


@dataclass
class Vocabulary:
    """The lower-cased words (and their dotted/underscored parts) a reference corpus contains."""

    known: set[str] = field(default_factory=set)
    base: Vocabulary | None = None  # a larger vocabulary this one extends without copying it

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        vocab = cls()
        for text in texts:
            vocab.add(text)
        return vocab

    def add(self, text: str) -> None:
        for word in words(text):
            low = word.lower()
            self.known.add(low)
            self.known.update(p for p in _PARTS.split(low) if p)

    def extended(self, text: str) -> Vocabulary:
        """This vocabulary plus the words of ``text`` (a question, a reference answer)."""
        more = Vocabulary(base=self)
        more.add(text)
        return more

    def _has(self, low: str) -> bool:
        return low in self.known or (self.base is not None and self.base._has(low))

    def __contains__(self, word: str) -> bool:
        low = word.lower()
        if self._has(low):
            return True
        parts = [p for p in _PARTS.split(low) if p]
        return len(parts) > 1 and all(self._has(p) for p in parts)

    def __len__(self) -> int:
        return len(self.known) + (len(self.base) if self.base is not None else 0)
