"""Small synthetic corpora with near-duplicates at known edit rates, for the dedup tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pyarrow as pa

from forge_data.schema import make_record, records_table


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(size)]


def document(rng: random.Random, vocab: list[str], words: int = 120) -> list[str]:
    return [rng.choice(vocab) for _ in range(words)]


def edit(rng: random.Random, words: list[str], rate: float, vocab: list[str]) -> list[str]:
    """Substitute ``rate`` of the words (at distinct positions) with random vocabulary."""
    out = list(words)
    for pos in rng.sample(range(len(out)), round(rate * len(out))):
        out[pos] = rng.choice(vocab)
    return out


def records(texts: list[str], *, source: str = "wiki", kind: str = "doc", start: int = 0) -> pa.Table:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    return records_table(
        make_record(
            kind=kind,
            source=source,
            uri=f"{source}/doc-{start + i}.md",
            text=text,
            created_at=t0 + timedelta(days=start + i),
        )
        for i, text in enumerate(texts)
    )
