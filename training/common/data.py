"""Dataset files → ``datasets.Dataset`` for the trainers, with clear errors for unusable files."""

from __future__ import annotations

from typing import Any

from forge_data.datasets import read_dataset
from training.common.cli import StageError


def load_rows(path: str, *, need: str) -> list[dict[str, Any]]:
    """Rows of ``path`` that all carry field ``need`` (``text`` or ``messages``); an error otherwise."""
    rows = read_dataset(path)
    if not rows:
        raise StageError(f"{path}: the dataset is empty")
    missing = sum(1 for r in rows if not r.get(need))
    if missing:
        raise StageError(f"{path}: {missing} of {len(rows)} rows have no {need!r}")
    return rows


def to_dataset(rows: list[dict[str, Any]], field: str):
    """An in-memory Dataset of just ``field`` (no cache files, no network)."""
    from datasets import Dataset

    return Dataset.from_list([{field: r[field]} for r in rows])
