"""PDF through pypdf: text per page, the outline as section structure.

Encrypted files open only when they carry an empty user password (owner-only
protection); anything else is ``encrypted``. Files pypdf cannot parse are
``corrupt``; a PDF without extractable text (scanned pages) is ``empty``.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.entry import Entry
from forge_data.ingest.errors import Rejected

SUFFIXES = (".pdf",)
_MAX_OUTLINE = 200


def _outline(reader: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if len(out) >= _MAX_OUTLINE:
                return
            if isinstance(item, list):
                walk(item, level + 1)
            elif getattr(item, "title", None):
                out.append({"level": level, "title": str(item.title).strip()})

    try:
        walk(reader.outline, 1)
    except Exception:  # noqa: BLE001 - a broken outline does not make the text unreadable
        return out
    return out


def read(entry: Entry, ctx: Context, **prov: Any) -> None:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every repaired xref
    data = entry.read()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Rejected("encrypted", "PDF is protected by a user password")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = str(info.title).strip() if info is not None and info.title else None
    except Rejected:
        raise
    except (FileNotDecryptedError, NotImplementedError) as err:
        raise Rejected("encrypted", f"PDF encryption not supported ({type(err).__name__})") from None
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError) as err:
        raise Rejected("corrupt", f"PDF does not parse ({type(err).__name__})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise Rejected("empty", "PDF has no extractable text (scanned or image-only pages)")
    sections = _outline(reader)
    meta = {"pages": len(pages), "sections": sections}
    ctx.doc(
        entry,
        text + "\n",
        fmt="pdf",
        title=title or entry.name.rsplit(".", 1)[0],
        metadata=meta,
        provenance=prov,
    )
