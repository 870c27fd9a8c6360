"""Parquet and JSON files written atomically, so a killed run never leaves half a file behind."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def _replace(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)


def write_parquet(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    _replace(tmp, path)
    return path


def read_parquet(path: Path) -> pa.Table:
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: has the stage that writes it run?")
    return pq.read_table(path)


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def table_from_bytes(data: bytes) -> pa.Table:
    return pq.read_table(pa.BufferReader(data))


def write_json(data: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str), encoding="utf-8")
    _replace(tmp, path)
    return path


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class RowsFileError(ValueError):
    """A rows file (JSON Lines or Parquet) that is missing or cannot be read; the message names it."""


def is_parquet(path: str | Path) -> bool:
    return str(path).lower().endswith((".parquet", ".pq"))


def read_rows(path: str | Path) -> pa.Table:
    """Read JSON Lines or Parquet into a table, keeping the input's row order.

    A malformed JSON line raises RowsFileError naming the line, not a traceback.
    """
    path = Path(path)
    if not path.is_file():
        raise RowsFileError(f"{path}: no such file")
    if is_parquet(path):
        try:
            return pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as err:
            raise RowsFileError(f"{path}: not a readable Parquet file ({err})") from None
    rows = []
    with path.open("r", encoding="utf-8", errors="strict") as fh:
        try:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise RowsFileError(f"{path}:{lineno}: not valid JSON ({err.msg})") from None
                if not isinstance(row, dict):
                    raise RowsFileError(f"{path}:{lineno}: expected a JSON object per line")
                rows.append(row)
        except UnicodeDecodeError as err:
            raise RowsFileError(f"{path}: not valid UTF-8 at byte {err.start}") from None
    return pa.Table.from_pylist(rows) if rows else pa.table({})


def write_rows(table: pa.Table, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if is_parquet(path):
        pq.write_table(table, path)
        return
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in table.to_pylist():
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    tmp.replace(path)
