"""reStructuredText, parsed by docutils and written back as plain Markdown-style text.

File inclusion and raw passthrough are disabled (an ``.. include:: /etc/passwd``
in an export must not read the machine's files); unknown Sphinx directives are
dropped and unknown roles reduced to their text.
"""

from __future__ import annotations

import io
import re
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.encoding import decode
from forge_data.ingest.entry import Entry

SUFFIXES = (".rst", ".rest")

_SETTINGS = {
    "report_level": 5,
    "halt_level": 5,
    "warning_stream": None,  # replaced per call: docutils writes to it
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "_disable_config": True,
    "input_encoding": "unicode",
    "line_length_limit": 100_000,
}
_ROLE = re.compile(r":[\w:.+-]+:`([^`<]*?)(?:\s*<[^>]*>)?`")
_SKIP = {"system_message", "comment", "substitution_definition", "target", "raw", "pending", "docinfo"}
_PERSON_FIELDS = {"author", "authors", "contact", "email", "address", "organization", "copyright"}
_ADMONITIONS = {
    "note",
    "warning",
    "tip",
    "hint",
    "important",
    "caution",
    "danger",
    "attention",
    "error",
    "seealso",
}


def _inline(node: Any) -> str:
    return _ROLE.sub(lambda m: m.group(1).strip(), node.astext()).strip()


def _blocks(node: Any, depth: int) -> list[str]:
    out: list[str] = []
    for child in node.children:
        out.extend(_block(child, depth))
    return out


def _block(node: Any, depth: int) -> list[str]:
    name = node.tagname
    if name in _SKIP:
        return []
    if name == "section":
        return _blocks(node, depth + 1)
    if name == "title":
        return [f"{'#' * min(depth, 6)} {_inline(node)}"]
    if name in ("paragraph", "line_block", "rubric", "caption", "attribution"):
        text = _inline(node)
        return [text] if text else []
    if name in ("literal_block", "doctest_block"):
        lang = next((c for c in node.get("classes", []) if c != "code"), "")
        return [f"```{lang}\n{node.astext().rstrip()}\n```"]
    if name in ("bullet_list", "enumerated_list"):
        items = []
        for i, item in enumerate(node.children, 1):
            marker = "-" if name == "bullet_list" else f"{i}."
            body = "\n".join(_blocks(item, depth)).replace("\n", "\n  ")
            items.append(f"{marker} {body}")
        return ["\n".join(items)]
    if name == "definition_list":
        return [
            f"{_inline(i.children[0])}\n  {' '.join(_blocks(i.children[-1], depth))}" for i in node.children
        ]
    if name == "field_list":
        fields = [f for f in node.children if _inline(f.children[0]).lower() not in _PERSON_FIELDS]
        return [f"{_inline(f.children[0])}: {' '.join(_blocks(f.children[1], depth))}" for f in fields]
    if name == "table":
        rows = [" | ".join(_inline(e) for e in row.children) for row in node.findall(_is_row)]
        return ["\n".join(rows)] if rows else []
    if name in _ADMONITIONS:
        body = " ".join(_blocks(node, depth))
        return [f"{name.capitalize()}: {body}"] if body else []
    if name == "image":
        return []
    if any(c.tagname != "#text" for c in node.children):
        return _blocks(node, depth)
    text = _inline(node)
    return [text] if text else []


def _is_row(node: Any) -> bool:
    return node.tagname == "row"


def to_text(source: str) -> tuple[str, str | None]:
    """(Markdown-style text, document title) of an RST source."""
    from docutils.core import publish_doctree

    settings = dict(_SETTINGS, warning_stream=io.StringIO())
    doc = publish_doctree(source, settings_overrides=settings)
    title = doc.get("title") or None
    # docutils lifts a lone top section into the document title; keep it as the level-1 heading.
    depth = 1 if any(c.tagname == "title" for c in doc.children) else 0
    return "\n\n".join(b for b in _blocks(doc, depth) if b.strip()) + "\n", title


def read(entry: Entry, ctx: Context, **prov: Any) -> None:
    decoded = decode(entry.read())
    text, title = to_text(decoded.text)
    meta = {"encoding": decoded.encoding} if decoded.encoding != "utf-8" else {}
    ctx.doc(
        entry, text, fmt="rst", title=title or entry.name.rsplit(".", 1)[0], metadata=meta, provenance=prov
    )
