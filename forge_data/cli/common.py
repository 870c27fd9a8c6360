"""What every `forge` command shares: exit codes, errors, the --json summary, the text-column check.

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

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3


class CliError(Exception):
    """Ends a command with a one-line reason and an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


def require_text_column(table: pa.Table, path: str | Path) -> None:
    if "text" not in table.column_names:
        raise CliError(f"{path}: every row needs a 'text' field")
    col = table.column("text")
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        raise CliError(f"{path}: 'text' must be a string")
    if col.null_count:
        raise CliError(f"{path}: {col.null_count} rows have no 'text'")


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
