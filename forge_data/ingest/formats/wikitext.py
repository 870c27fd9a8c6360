"""MediaWiki markup reduced to readable text: templates and references dropped, links to
their labels, tables to rows, ``== Heading ==`` to ``## Heading``, code kept fenced.

Not a full wikitext parser: templates are not expanded (their output lives in
other pages of the wiki), which is the usual trade-off of dump-to-text tools.
"""

from __future__ import annotations

import html
import re
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.encoding import decode
from forge_data.ingest.entry import Entry

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_CODE = re.compile(r"<(syntaxhighlight|source|pre)\b([^>]*)>(.*?)</\1\s*>", re.S | re.I)
_NOWIKI = re.compile(r"<nowiki\s*>(.*?)</nowiki\s*>", re.S | re.I)
_REF = re.compile(r"<ref\b[^>/]*/>|<ref\b[^>]*>.*?</ref\s*>|<references\b[^>]*/>", re.S | re.I)
_DROP_ELEMENTS = re.compile(
    r"<(gallery|imagemap|timeline|score|graph|templatedata)\b.*?</\1\s*>", re.S | re.I
)
_TEMPLATE = re.compile(r"\{\{(?:(?!\{\{|\}\}).)*\}\}", re.S)
_PARAM = re.compile(r"\{\{\{(?:(?!\{\{\{|\}\}\}).)*\}\}\}", re.S)
_TABLE = re.compile(r"^\{\|(?:(?!^\{\||^\|\}).)*?^\|\}", re.S | re.M)
_EXT_LINK = re.compile(r"\[((?:https?|ftp|mailto|news|irc)://?[^\s\]]*)(?:\s+([^\]]*))?\]")
_HEADING = re.compile(r"^(={1,6})[ \t]*(.+?)[ \t]*\1[ \t]*$", re.M)
_QUOTES = re.compile(r"'{2,5}")
_LIST = re.compile(r"^([*#:;]+)[ \t]*", re.M)
_HR = re.compile(r"^-{4,}[ \t]*$", re.M)
_MAGIC = re.compile(r"__[A-Z]+__")
_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,500}>")
_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_REDIRECT = re.compile(r"^\s*#REDIRECT\s*:?\s*\[\[([^\]|#]+)", re.I)
_DROP_LINK_NS = {"file", "image", "media", "datei", "bild", "fichier", "archivo", "файл", "изображение"}
_CATEGORY_NS = {"category", "kategorie", "catégorie", "categoría", "категория"}
_INTERWIKI = re.compile(r"^[a-z]{2,3}(?:-[a-z]{2,8})?$")
_MAX_PASSES = 50


def redirect_target(wikitext: str) -> str | None:
    m = _REDIRECT.match(wikitext)
    return m.group(1).strip().replace("_", " ") if m else None


def _strip_nested(pattern: re.Pattern[str], text: str, repl: str | object = "") -> str:
    # Innermost first, until nothing nests any more.
    for _ in range(_MAX_PASSES):
        new = pattern.sub(repl, text)  # type: ignore[arg-type]
        if new == text:
            break
        text = new
    return text


def _table(m: re.Match[str]) -> str:
    rows, cells = [], []
    for line in m.group(0).split("\n")[1:-1]:
        line = line.strip()
        if line.startswith("|-") or line.startswith("|+"):
            if cells:
                rows.append(" | ".join(cells))
            cells = []
            if line.startswith("|+"):
                rows.append(line[2:].strip())
            continue
        if line[:1] in ("|", "!"):
            for cell in re.split(r"\|\||!!", line[1:]):
                # "style=... | content": the part after a single bar is the content.
                parts = cell.split("|", 1)
                cells.append((parts[1] if len(parts) == 2 and "[[" not in parts[0] else cell).strip())
        elif cells:
            cells[-1] += " " + line
    if cells:
        rows.append(" | ".join(cells))
    return "\n" + "\n".join(r for r in rows if r.strip(" |")) + "\n"


def _links(text: str, categories: list[str]) -> str:
    """Resolve [[...]] from the innermost out, so image captions holding links come apart cleanly."""
    inner = re.compile(r"\[\[((?:(?!\[\[|\]\]).)*)\]\]([a-z]*)", re.S)

    def repl(m: re.Match[str]) -> str:
        target, _, label = m.group(1).partition("|")
        ns, colon, rest = target.partition(":")
        ns_key = ns.strip().lower()
        if colon and ns_key in _CATEGORY_NS:
            categories.append(rest.split("|")[0].strip())
            return ""
        if colon and (ns_key in _DROP_LINK_NS or (_INTERWIKI.match(ns_key) and not target.startswith(":"))):
            return ""
        shown = label.split("|")[-1] if label else target.lstrip(":").split("#")[0] or target
        return shown.strip() + m.group(2)

    return _strip_nested(inner, text, repl)


def to_text(wikitext: str) -> tuple[str, list[str]]:
    """(readable text, categories) of a page's wikitext."""
    categories: list[str] = []
    code_blocks: list[str] = []

    def keep_code(m: re.Match[str]) -> str:
        lang = re.search(r"lang\s*=\s*[\"']?(\w+)", m.group(2))
        code_blocks.append(f"```{lang.group(1) if lang else ''}\n{m.group(3).strip(chr(10))}\n```")
        return f"\n\x00CODE{len(code_blocks) - 1}\x00\n"

    text = _COMMENT.sub("", wikitext)
    text = _CODE.sub(keep_code, text)
    text = _NOWIKI.sub(lambda m: html.escape(m.group(1)).replace("[", "&#91;").replace("{", "&#123;"), text)
    text = _REF.sub("", text)
    text = _DROP_ELEMENTS.sub("", text)
    text = _strip_nested(_PARAM, text)
    text = _strip_nested(_TEMPLATE, text)
    text = _strip_nested(_TABLE, text, _table)
    text = _links(text, categories)
    text = _EXT_LINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), text)
    text = _QUOTES.sub("", text)
    text = _LIST.sub(_list_marker, text)  # before headings: both use "#"
    text = _HEADING.sub(lambda m: f"{'#' * len(m.group(1))} {m.group(2).strip()}", text)
    text = _HR.sub("", text)
    text = _MAGIC.sub("", text)
    text = _BR.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = re.sub(r"\x00CODE(\d+)\x00", lambda m: code_blocks[int(m.group(1))], text)
    text = _BLANKS.sub("\n\n", text).strip()
    return (text + "\n" if text else ""), categories


def _list_marker(m: re.Match[str]) -> str:
    marks = m.group(1)
    indent = "  " * (len(marks) - 1)
    last = marks[-1]
    if last == "#":
        return f"{indent}1. "
    if last in "*;":
        return f"{indent}- "
    return indent + "  "  # ":" indents a continuation


SUFFIXES = (".wiki", ".mediawiki", ".wikitext")


def read(entry: Entry, ctx: Context, **prov: Any) -> None:
    """A single page of raw wikitext (``.wiki`` files, as some wiki backups keep them)."""
    decoded = decode(entry.read())
    text, categories = to_text(decoded.text)
    title = entry.name.rsplit(".", 1)[0].replace("_", " ")
    body = f"# {title}\n\n{text}" if text else ""
    ctx.doc(entry, body, fmt="wikitext", title=title, metadata={"categories": categories}, provenance=prov)
