"""Plain text files, decoded with encoding detection; the first line is a fair title."""

from __future__ import annotations

from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.encoding import decode
from forge_data.ingest.entry import Entry

SUFFIXES = (".txt", ".text", ".adoc", ".asciidoc", ".org")


def read(entry: Entry, ctx: Context, *, fmt: str = "text", **prov: Any) -> None:
    decoded = decode(entry.read())
    text = decoded.text.strip("\n") + "\n"
    meta = {"encoding": decoded.encoding} if decoded.encoding != "utf-8" else {}
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    title = first[:120] if 0 < len(first) <= 120 else entry.name.rsplit(".", 1)[0]
    ctx.doc(entry, text, fmt=fmt, title=title, metadata=meta, provenance=prov)
