"""Planted near-duplicates: edit a known share of a text's words, and measure what that did.

Edits come in a few contiguous runs, the way people really revise a copied page (a paragraph
rewritten, a date and an owner changed), not as scattered single words; scattered edits would
break nearly every shingle and make "5% edited" look like a different document.
"""

from __future__ import annotations

import random
import re

_WORD = re.compile(r"\S+")
REPLACEMENTS = (
    "we now ship the service twice a week and review every quench in the smithy on the same day "
    "the owning team keeps the runbook current and links it from the default board in bellows "
    "this section was rewritten after the last review because the old steps no longer matched the tooling"
).split()


def mutate(text: str, rate: float, rng: random.Random, runs: int = 2, source: list[str] | None = None) -> str:
    """``text`` with ``round(rate * tokens)`` plain words replaced, in ``runs`` contiguous runs.

    ``tokens`` counts every whitespace-separated token, so the rate is a share of the whole text.
    Each run is overwritten by consecutive words of ``source`` (default: an editor's rewrite), so
    an edited run reads like a rewritten phrase rather than word salad.

    Only the words change; whitespace and line structure are kept, so Markdown stays Markdown.
    """
    every = [m.span() for m in _WORD.finditer(text)]
    total = round(rate * len(every))
    # Only plain words are edited: fences, table bars, commands and addresses keep their shape.
    spans = [(a, b) for a, b in every if text[a:b].isalpha()]
    if total == 0:
        return text
    runs = max(1, min(runs, total))
    sizes = [total // runs + (1 if i < total % runs else 0) for i in range(runs)]
    slot = len(spans) // runs  # one run per equal slice, so runs never overlap
    targets: list[int] = []
    for i, size in enumerate(sizes):
        start = i * slot + rng.randrange(max(1, slot - size))
        targets.extend(range(start, min(start + size, len(spans))))
    words = source or REPLACEMENTS
    out, last, previous, cursor = [], 0, None, 0
    for idx in sorted(targets):
        if previous is None or idx != previous + 1:
            cursor = rng.randrange(len(words))  # a new run starts a new phrase
        a, b = spans[idx]
        new = words[cursor % len(words)]
        if new.lower() == text[a:b].lower():
            new = words[(cursor + 1) % len(words)]
        cursor += 1
        out.append(text[last:a])
        out.append(new)
        last, previous = b, idx
    out.append(text[last:])
    return "".join(out)


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = text.lower().split()
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def similarity(a: str, b: str, size: int = 5) -> float:
    """Jaccard similarity of lowercased word ``size``-shingles (forge's default prose shingling)."""
    sa, sb = shingles(a, size), shingles(b, size)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)
