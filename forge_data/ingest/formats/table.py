"""CSV tables (Notion databases, exported sheets) as one Markdown table each."""

from __future__ import annotations

import csv
import io
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.encoding import decode
from forge_data.ingest.entry import Entry
from forge_data.ingest.errors import Rejected

SUFFIXES = (".csv", ".tsv")


def _cell(value: str) -> str:
    return " ".join(value.split()).replace("|", "\\|")


def read(entry: Entry, ctx: Context, *, fmt: str = "csv", title: str | None = None, **prov: Any) -> None:
    decoded = decode(entry.read())
    dialect = csv.excel_tab if entry.suffix == ".tsv" else csv.excel
    try:
        rows = [r for r in csv.reader(io.StringIO(decoded.text), dialect) if any(c.strip() for c in r)]
    except csv.Error as err:
        raise Rejected(
            "parse_error", f"not a readable CSV table (line {getattr(err, 'line_num', '?')})"
        ) from None
    if not rows:
        raise Rejected("empty", "CSV table without rows")
    width = max(len(r) for r in rows)
    lines = []
    for i, row in enumerate(rows):
        cells = [_cell(c) for c in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if i == 0:
            lines.append("|" + " --- |" * width)
    name = title or entry.name.rsplit(".", 1)[0]
    text = f"# {name}\n\n" + "\n".join(lines) + "\n"
    meta = {"rows": len(rows) - 1, "columns": width}
    ctx.doc(entry, text, fmt=fmt, title=name, metadata=meta, provenance=prov)
