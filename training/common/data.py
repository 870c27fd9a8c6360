"""Dataset files → ``datasets.Dataset`` for the trainers, with clear errors for unusable files."""

from __future__ import annotations

from typing import Any

from forge_data.datasets import read_dataset
from training.common.cli import StageError


def load_rows(path: str, *, need: str | tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows of ``path`` that all carry the field(s) ``need`` (``text``, ``messages``, ``prompt``...);
    an error naming the file and the field otherwise."""
    rows = read_dataset(path)
    if not rows:
        raise StageError(f"{path}: the dataset is empty")
    for field in (need,) if isinstance(need, str) else need:
        missing = sum(1 for r in rows if not r.get(field))
        if missing:
            raise StageError(f"{path}: {missing} of {len(rows)} rows have no {field!r}")
    return rows


def to_dataset(rows: list[dict[str, Any]], *fields: str):
    """An in-memory Dataset of just ``fields`` (no cache files, no network)."""
    from datasets import Dataset

    return Dataset.from_list([{f: r[f] for f in fields} for r in rows])


def as_turn(text: str, role: str) -> list[dict[str, str]]:
    """One message in trl's conversational format, so the trainer renders it with the chat template."""
    return [{"role": role, "content": text}]


def split_off(rows: list[dict[str, Any]], fraction: float, seed: int) -> tuple[list, list]:
    """(train, held out): a seeded ``fraction`` of ``rows`` (at least one, never all) held back."""
    import random

    if len(rows) < 2:
        return rows, []
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    n = min(len(rows) - 1, max(1, round(len(rows) * fraction)))
    held = set(order[:n])
    return [r for i, r in enumerate(rows) if i not in held], [r for i, r in enumerate(rows) if i in held]
