"""Notion exports: a zip (often zips inside a zip) of pages named ``Title <32-hex id>.md``,
databases as CSV and, in HTML exports, pages as HTML.

The archive walker unpacks the zips; this module recognises Notion's names,
gives pages their clean title and page id, and hands each to its format reader.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.entry import Entry
from forge_data.ingest.formats import html, markdown, table

_ID = re.compile(r"\s([0-9a-f]{32})(?:_all)?$")


def notion_id(path: str) -> str | None:
    m = _ID.search(PurePosixPath(path).stem)
    return m.group(1) if m else None


def clean_title(path: str) -> str:
    return _ID.sub("", PurePosixPath(path).stem).strip()


def read(entry: Entry, ctx: Context, **prov: Any) -> None:
    reader: Any = {".md": markdown.read, ".csv": table.read, ".html": html.read}[entry.suffix]
    extra = {"page_id": notion_id(entry.path), **prov}
    reader(entry, ctx, fmt="notion", title=clean_title(entry.path), **extra)
