"""What every reader of one source shares: its name, limits, pseudonyms and ledger.

Readers call :meth:`Context.doc`, :meth:`Context.code`, :meth:`Context.chat` or
:meth:`Context.reject`; the record conventions (ids, provenance, language,
section structure) live here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from forge_data.ingest.entry import Entry, Skip
from forge_data.ingest.ledger import Ledger
from forge_data.ingest.limits import Limits
from forge_data.ingest.natural_language import detect_language
from forge_data.ingest.pseudonym import Pseudonyms
from forge_data.ingest.strings import clean
from forge_data.schema import make_record

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
MAX_SECTIONS = 200


def headings(markdown: str) -> list[dict[str, Any]]:
    """ATX headings of a Markdown-style text, outside fenced code: the section structure."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else _HEADING.match(line)
        if m:
            out.append({"level": len(m.group(1)), "title": m.group(2).strip()})
            if len(out) >= MAX_SECTIONS:
                break
    return out


@dataclass
class Context:
    source: str
    source_kind: str
    limits: Limits
    ledger: Ledger = field(init=False)
    pseudonyms: Pseudonyms = field(init=False)

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.source, self.source_kind)
        self.pseudonyms = Pseudonyms(self.source)

    # --- rejects -------------------------------------------------------------------------

    def reject(self, uri: str, reason: str, detail: str, *, fmt: str | None = None, **kw: Any) -> None:
        prov = dict(kw.pop("provenance", None) or {})
        if fmt:
            prov.setdefault("format", fmt)
        self.ledger.reject(uri, reason, detail, provenance=prov, **kw)

    def reject_entry(self, entry: Entry, reason: str, detail: str, fmt: str | None = None) -> None:
        self.reject(
            entry.uri,
            reason,
            detail,
            fmt=fmt,
            size=entry.size,
            provenance={"path": entry.path, **entry.provenance},
        )

    def skip(self, skip: Skip) -> None:
        self.reject(skip.uri, skip.reason, skip.detail, size=skip.size, provenance={"path": skip.path})

    # --- records -------------------------------------------------------------------------

    def _provenance(self, entry: Entry | None, fmt: str, extra: dict[str, Any] | None) -> dict[str, Any]:
        prov: dict[str, Any] = {"source_kind": self.source_kind, "format": fmt}
        if entry is not None:
            prov["path"] = entry.path
            prov.update(entry.provenance)
        prov.update({k: v for k, v in (extra or {}).items() if v is not None})
        return prov

    def doc(
        self,
        entry: Entry | None,
        text: str,
        *,
        fmt: str,
        title: str | None = None,
        uri: str | None = None,
        metadata: dict[str, Any] | None = None,
        created_at: datetime | None = None,
        provenance: dict[str, Any] | None = None,
    ) -> None:
        """A prose record; ``text`` carries headings as Markdown ``#`` lines."""
        uri = clean(uri or entry.uri)
        if not text.strip():
            self.reject(
                uri,
                "empty",
                "no text left after extraction",
                fmt=fmt,
                size=entry.size if entry and uri == entry.uri else None,
                provenance=self._provenance(entry, fmt, provenance),
            )
            return
        meta = {**(entry.metadata if entry else {}), **(metadata or {})}
        meta.setdefault("sections", headings(text))
        if title:
            meta.setdefault("title", title)
        self.ledger.add(
            make_record(
                kind="doc",
                source=self.source,
                uri=uri,
                text=text,
                title=title,
                language=detect_language(text),
                created_at=created_at or (entry.created_at if entry else None),
                provenance=self._provenance(entry, fmt, provenance),
                metadata=meta,
            )
        )

    def code(
        self,
        entry: Entry,
        text: str,
        *,
        language: str | None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        self.ledger.add(
            make_record(
                kind="code",
                source=self.source,
                uri=entry.uri,
                text=text,
                title=entry.name,
                language=language,
                created_at=entry.created_at,
                provenance=self._provenance(entry, language or "text", {"line_start": 1, "line_end": lines}),
                metadata={**entry.metadata, **(metadata or {})},
            )
        )

    def chat(self, conversation: Any) -> None:
        """A conversation (see :mod:`forge_data.ingest.conversation`) as one chat record."""
        from forge_data.ingest.conversation import to_record

        record = to_record(conversation, self)
        if record is not None:
            self.ledger.add(record)
