"""docx and pptx through unstructured (offline), titles kept as ``#`` headings.

Office files are zips: the container is checked against the archive limits
before unstructured opens it, so a bomb inside a .docx trips like any other.
A password-protected Office file is an OLE container, not a zip.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from forge_data.ingest.archive import check_zip, member_problem
from forge_data.ingest.context import Context
from forge_data.ingest.entry import Entry
from forge_data.ingest.errors import IngestError, Rejected

SUFFIXES = {".docx": "docx", ".pptx": "pptx"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SKIP_CATEGORIES = {"Header", "Footer", "PageBreak", "Image", "PageNumber"}


def _check_container(data: bytes, ctx: Context, kind: str) -> None:
    if data.startswith(_OLE):
        raise Rejected(
            "encrypted", f"{kind} is an OLE container: password-protected (or a legacy binary file)"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip(zf, ctx.limits, ctx.limits.max_archive_bytes)
            for info in zf.infolist():
                problem = member_problem(info, ctx.limits)
                if problem:
                    raise Rejected(problem[0], f"{kind} container: {problem[1]}")
    except zipfile.BadZipFile:
        raise Rejected("corrupt", f"{kind} is not a complete zip container (truncated or damaged)") from None


def _render(elements: list[Any], kind: str) -> tuple[str, str | None]:
    blocks: list[str] = []
    title = None
    slide = None
    for el in elements:
        category = el.category
        text = (el.text or "").strip()
        if category in _SKIP_CATEGORIES or not text:
            continue
        page = getattr(el.metadata, "page_number", None)
        if kind == "pptx" and page != slide:
            slide = page
            blocks.append(f"## Slide {page}")
        if category == "Title":
            depth = el.metadata.category_depth or 0
            level = min(depth + (3 if kind == "pptx" else 1), 6)
            title = title or text
            blocks.append(f"{'#' * level} {text}")
        elif category == "ListItem":
            blocks.append(f"- {text}")
        elif category == "Table":
            blocks.append(_table(el) or text)
        else:
            blocks.append(text)
    return "\n\n".join(blocks) + "\n", title


def _table(el: Any) -> str | None:
    html = getattr(el.metadata, "text_as_html", None)
    if not html:
        return None
    import lxml.html

    root = lxml.html.fromstring(html)
    rows = [" | ".join(" ".join(c.text_content().split()) for c in tr) for tr in root.iter("tr")]
    return "\n".join(r for r in rows if r.strip(" |")) or None


def read(entry: Entry, ctx: Context, **prov: Any) -> None:
    from forge_data.ingest import unstructured_offline

    kind = SUFFIXES[entry.suffix]
    data = entry.read()
    _check_container(data, ctx, kind)
    partition = unstructured_offline.partition_docx if kind == "docx" else unstructured_offline.partition_pptx
    try:
        elements = partition(data)
    except IngestError:
        raise
    except Exception as err:  # noqa: BLE001 - whatever breaks inside a damaged package, the file is unreadable
        raise Rejected("corrupt", f"{kind} does not open ({type(err).__name__})") from None
    text, title = _render(elements, kind)
    ctx.doc(entry, text, fmt=kind, title=title or entry.name.rsplit(".", 1)[0], provenance=prov)
