"""Decontamination: drop evaluation items that share a word n-gram with the training data.

The classic test (GPT-3, Llama): lower-cased word n-grams, n = 13 by default; an eval item shorter
than n words counts as contaminated when its whole word sequence appears in training text. Eval
items may be any row shape :func:`~forge_data.datasets.common.row_text` understands (CPT text,
acceptance prompts with their required answers, SFT conversations).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from forge_data.datasets.common import row_text

_WORD = re.compile(r"\w+")


@dataclass
class Decontaminated:
    kept: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    stats: dict[str, Any]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def ngrams(tokens: list[str], n: int) -> set[str]:
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _short_hit(tokens: list[str], train_texts: list[str]) -> bool:
    """An eval item shorter than n words: is its whole word sequence inside some training text?"""
    needle = f" {' '.join(tokens)} "
    return any(needle in t for t in train_texts)


def decontaminate(
    eval_rows: Iterable[Mapping[str, Any]], train_rows: Iterable[Mapping[str, Any]], n: int = 13
) -> Decontaminated:
    """Split ``eval_rows`` into kept and removed by n-gram overlap with ``train_rows``."""
    if n < 1:
        raise ValueError("n must be at least 1")
    train_words = [words(row_text(r)) for r in train_rows]
    train_grams: set[str] = set()
    for tokens in train_words:
        train_grams |= ngrams(tokens, n)
    joined: list[str] | None = None  # built only if some eval item is shorter than n words

    kept, removed = [], []
    for row in eval_rows:
        tokens = words(row_text(row))
        if len(tokens) >= n:
            hit = not ngrams(tokens, n).isdisjoint(train_grams)
        elif tokens:
            joined = joined if joined is not None else [f" {' '.join(t)} " for t in train_words]
            hit = _short_hit(tokens, joined)
        else:
            hit = False
        (removed if hit else kept).append(dict(row))
    stats = {
        "n": n,
        "eval_in": len(kept) + len(removed),
        "eval_kept": len(kept),
        "eval_removed": len(removed),
        "train_rows": len(train_words),
        "train_ngrams": len(train_grams),
    }
    return Decontaminated(kept=kept, removed=removed, stats=stats)
