"""Confluence space exports (HTML): one record per page, its breadcrumbs kept as ancestors.

An export holds ``index.html`` (the page tree), ``<Title>_<pageid>.html`` pages
whose prose sits in ``#main-content``, and attachments/, images/ and styles/.
The page byline ("Created by ...") names people and is dropped.
"""

from __future__ import annotations

import re
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.encoding import decode
from forge_data.ingest.entry import Entry
from forge_data.ingest.formats.html import declared_charset, inline_text, parse, render, strip_boilerplate

# Markers of Confluence's export template: page chrome, and the "Available Pages" index.
_PAGE_MARKERS = (b'id="title-heading"', b'id="breadcrumb-section"', b"aui-page-panel")
_PAGE_ID = re.compile(r"_(\d+)\.html?$")
_SPACE_PREFIX = re.compile(r"^[^:]{1,200}\s:\s+")


def is_confluence(head: bytes) -> bool:
    return any(m in head for m in _PAGE_MARKERS) or (
        b'id="main-content"' in head and b"Available Pages" in head
    )


def is_index(entry: Entry, head: bytes) -> bool:
    return entry.name.lower() == "index.html" and b"Available Pages" in head


def read(entry: Entry, ctx: Context, **prov: Any) -> None:
    data = entry.read()
    if is_index(entry, data[:65536]):
        ctx.reject_entry(
            entry, "navigation", "Confluence space index; it lists the pages, which are read one by one"
        )
        return
    decoded = decode(data, declared_charset(data))
    root = parse(decoded.text)
    title_el = root.xpath("//*[@id='title-text']") or root.xpath("//h1")
    title = _SPACE_PREFIX.sub("", inline_text(title_el[0])) if title_el else None
    ancestors = [inline_text(li) for li in root.xpath("//*[@id='breadcrumbs']//li")]
    for byline in root.xpath("//*[contains(concat(' ', @class, ' '), ' page-metadata ')]"):
        byline.drop_tree()
    main = root.xpath("//*[@id='main-content']")
    content = main[0] if main else root.find("body")
    strip_boilerplate(content)
    body = render(content) if content is not None else ""
    text = f"# {title}\n\n{body}\n" if title and body.strip() else body
    m = _PAGE_ID.search(entry.name)
    meta: dict[str, Any] = {"ancestors": [a for a in ancestors if a]}
    if decoded.encoding != "utf-8":
        meta["encoding"] = decoded.encoding
    ctx.doc(
        entry,
        text,
        fmt="confluence",
        title=title or entry.name.rsplit(".", 1)[0],
        metadata=meta,
        provenance={"page_id": m.group(1) if m else None, **prov},
    )
