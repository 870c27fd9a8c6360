"""Wiki and document sources: a folder, a file or an archive of pages in any supported format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from forge_data.ingest.context import Context
from forge_data.ingest.dispatch import admit, run_reader
from forge_data.ingest.entry import Entry, Skip
from forge_data.ingest.errors import IngestError
from forge_data.ingest.formats import (
    confluence,
    html,
    markdown,
    mediawiki,
    notion,
    office,
    pdf,
    plaintext,
    rst,
    table,
    wikitext,
)
from forge_data.ingest.triage import binary
from forge_data.ingest.walk import Walk

READERS: dict[str, Callable[..., None]] = {
    "markdown": markdown.read,
    "rst": rst.read,
    "html": html.read,
    "confluence": confluence.read,
    "notion": notion.read,
    "mediawiki": mediawiki.read,
    "wikitext": wikitext.read,
    "docx": office.read,
    "pptx": office.read,
    "pdf": pdf.read,
    "text": plaintext.read,
    "csv": table.read,
}
# Formats whose one file holds many items: the size limit applies to each item, not the file.
STREAMING = {"mediawiki"}


def detect_format(entry: Entry) -> str | None:
    """The reader for one file, from its extension and, where extensions are shared, its content."""
    s = entry.suffix
    notion_page = entry.in_archive and notion.notion_id(entry.path) is not None
    if s in markdown.SUFFIXES:
        return "notion" if notion_page else "markdown"
    if s in html.SUFFIXES:
        if notion_page:
            return "notion"
        return "confluence" if confluence.is_confluence(entry.head(65536)) else "html"
    if s in table.SUFFIXES:
        return "notion" if notion_page and s == ".csv" else "csv"
    if s == ".xml":
        return "mediawiki" if mediawiki.is_mediawiki(entry.head()) else None
    for fmt, suffixes in (("rst", rst.SUFFIXES), ("wikitext", wikitext.SUFFIXES), ("pdf", pdf.SUFFIXES),
                          ("text", plaintext.SUFFIXES)):  # fmt: skip
        if s in suffixes:
            return fmt
    return office.SUFFIXES.get(s)


def read_entry(entry: Entry, ctx: Context, fmt: str | None) -> None:
    """Read one document with ``fmt`` (None: detect it); shared with git for docs inside repositories."""
    fmt = fmt or detect_format(entry)
    if not admit(entry, ctx, fmt, streaming=fmt in STREAMING):
        return
    if fmt is None:
        if binary(entry.head()):
            ctx.reject_entry(
                entry, "binary", f"binary file ({entry.suffix or 'no extension'}) with no document reader"
            )
        else:
            ctx.reject_entry(
                entry,
                "unsupported_format",
                f"no document reader for {entry.suffix or 'files without extension'}",
            )
        return
    run_reader(entry, ctx, fmt, READERS[fmt])


def ingest_wiki(root: Path, ctx: Context, *, fmt: str, include: list[str], exclude: list[str]) -> dict:
    if fmt != "auto" and fmt not in READERS:
        raise IngestError(f"unknown wiki format {fmt!r}; known: auto, {', '.join(sorted(READERS))}")
    with Walk(root, ctx.limits, include, exclude) as walk:
        for item in walk:
            if isinstance(item, Skip):
                ctx.skip(item)
            else:
                read_entry(item, ctx, None if fmt == "auto" else fmt)
        return {"excluded_by_config": walk.excluded}
