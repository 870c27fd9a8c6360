"""What every `forge` command shares: exit codes, errors, the --json summary, table I/O.

Exit codes are a stable contract for agents and scripts:

====  ==========================================================
0     success
1     the work ran and failed (a blocking check, a training error)
2     bad usage or bad input (missing file, malformed line, bad flag)
3     the project file is invalid
====  ==========================================================
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3


class CliError(Exception):
    """Ends a command with a one-line reason and an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


def is_parquet(path: str | Path) -> bool:
    return str(path).lower().endswith((".parquet", ".pq"))


def read_rows(path: str | Path) -> pa.Table:
    """Read JSON Lines or Parquet into a table, keeping the input's row order.

    A malformed JSON line is a usage error that names the line, not a traceback.
    """
    path = Path(path)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    if is_parquet(path):
        try:
            return pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as err:
            raise CliError(f"{path}: not a readable Parquet file ({err})") from None
    rows = []
    with path.open("r", encoding="utf-8", errors="strict") as fh:
        try:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise CliError(f"{path}:{lineno}: not valid JSON ({err.msg})") from None
                if not isinstance(row, dict):
                    raise CliError(f"{path}:{lineno}: expected a JSON object per line")
                rows.append(row)
        except UnicodeDecodeError as err:
            raise CliError(f"{path}: not valid UTF-8 at byte {err.start}") from None
    return pa.Table.from_pylist(rows) if rows else pa.table({})


def require_text_column(table: pa.Table, path: str | Path) -> None:
    if "text" not in table.column_names:
        raise CliError(f"{path}: every row needs a 'text' field")
    col = table.column("text")
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        raise CliError(f"{path}: 'text' must be a string")
    if col.null_count:
        raise CliError(f"{path}: {col.null_count} rows have no 'text'")


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


def print_summary(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary, sort_keys=True, default=str))
        return
    for key, value in summary.items():
        if isinstance(value, dict):
            print(f"{key}:")
            for k, v in value.items():
                print(f"  {k}: {v}")
        else:
            print(f"{key}: {value}")
