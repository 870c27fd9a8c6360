"""What the dataset builders share: reading records, the held-out split, size estimates, writing rows."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from forge_data.tables import read_rows, write_rows

# Byte-level BPE on English prose and code averages about four characters per token; the estimate
# only sizes a recipe (steps, epochs) before a tokenizer exists, so rough is good enough.
CHARS_PER_TOKEN = 4


def as_rows(records: pa.Table | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Records as a list of dicts, from a RECORD_SCHEMA table or any iterable of mappings."""
    if isinstance(records, pa.Table):
        return records.to_pylist()
    return [dict(r) for r in records]


def unit_interval(*parts: str) -> float:
    """A stable number in [0, 1) from strings: the same inputs give the same number on every run and machine."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_heldout(record_id: str, fraction: float) -> bool:
    """Document-level split by a hash of the id alone, so the held-out set never moves between runs or seeds."""
    return unit_interval("heldout", record_id) < fraction


def estimate_tokens(text: str | int) -> int:
    """Tokens in a text, or in a number of characters, at :data:`CHARS_PER_TOKEN`."""
    chars = text if isinstance(text, int) else len(text)
    return -(-chars // CHARS_PER_TOKEN)


def write_dataset(rows: Iterable[Mapping[str, Any]], path: str | Path) -> Path:
    """Write rows as JSON Lines, or Parquet when the name ends in .parquet (the CLI's table writer)."""
    write_rows(pa.Table.from_pylist(list(rows)), path)
    return Path(path)


def read_dataset(path: str | Path) -> list[dict[str, Any]]:
    """Rows written by :func:`write_dataset`; a missing file or a malformed line is a clear error naming it."""
    return read_rows(path).to_pylist()


def row_text(row: Mapping[str, Any]) -> str:
    """All the text a row carries, whatever its shape: plain text, prompt/completion, or chat messages.

    Decontamination and size estimates need one string per row without caring which builder made it.
    """
    parts: list[str] = []
    for key in ("text", "prompt", "completion", "chosen", "answer"):
        value = row.get(key)
        if isinstance(value, str):
            parts.append(value)
    for message in row.get("messages") or []:
        if isinstance(message, Mapping) and isinstance(message.get("content"), str):
            parts.append(message["content"])
    return "\n".join(parts)
