"""HTML pages: navigation and boilerplate removed, headings kept as ``#`` lines.

Also the renderer the Confluence, Notion and mail readers use for their HTML.
"""

from __future__ import annotations

import re
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.encoding import decode
from forge_data.ingest.entry import Entry

SUFFIXES = (".html", ".htm", ".xhtml")

_DROP_TAGS = {
    "script", "style", "noscript", "template", "nav", "aside", "form", "button", "iframe", "svg",
    "canvas", "select", "input", "textarea", "object", "embed", "link", "meta", "head",
}  # fmt: skip
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "menu", "menubar", "toolbar"}
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|sidebar|breadcrumbs?|footer|cookies?|consent|banner|advert|ads"
    r"|social|share|skip-link|skiplink|toc|pagination|related|subscribe|newsletter)(?:$|[-_\s])",
    re.I,
)
_BLOCK = {
    "p", "div", "section", "article", "main", "blockquote", "ul", "ol", "dl", "dt", "dd", "table",
    "figure", "figcaption", "header", "footer", "address", "details", "summary", "hr", "body", "center",
}  # fmt: skip
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
_BR = "\x00br\x00"


def declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def parse(text: str) -> Any:
    import lxml.html

    # lxml refuses str input that carries an encoding declaration; the text is decoded already.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    return lxml.html.document_fromstring(text or "<html></html>")


def _classes(el: Any) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _inside_content(el: Any) -> bool:
    # A page's own <header> (with its h1) lives inside <article> or <main>; the site's does not.
    return any(a.tag in ("article", "main") for a in el.iterancestors() if isinstance(a.tag, str))


def strip_boilerplate(root: Any) -> None:
    """Remove navigation, scripts and chrome in place."""
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            if el.getparent() is not None:
                doomed.append(el)  # comments and processing instructions
            continue
        tag = el.tag.lower()
        if (
            tag in _DROP_TAGS
            or (tag in ("header", "footer") and not _inside_content(el))
            or (el.get("role") or "").lower() in _DROP_ROLES
            or (el.get("aria-hidden") == "true")
            or (_BOILERPLATE.search(_classes(el)) and tag not in ("html", "body", "main", "article"))
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def content_root(root: Any) -> Any:
    for xpath in ("//main", "//*[@role='main']", "//article"):
        found = root.xpath(xpath)
        if found:
            return found[0]
    body = root.find("body")
    return body if body is not None else root


def inline_text(el: Any) -> str:
    return _WS.sub(" ", el.text_content()).strip()


class _Renderer:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.buf: list[str] = []

    def flush(self) -> None:
        text = _WS.sub(" ", "".join(self.buf))
        text = "\n".join(line.strip() for line in text.replace(_BR, "\n").split("\n")).strip()
        if text:
            self.blocks.append(text)
        self.buf.clear()

    def walk(self, el: Any) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _HEADINGS:
            self.flush()
            if heading := inline_text(el):
                self.blocks.append(f"{'#' * _HEADINGS[tag]} {heading}")
        elif tag == "pre":
            self.flush()
            self.blocks.append(f"```\n{el.text_content().strip(chr(10))}\n```")
        elif tag in ("ul", "ol"):
            self.flush()
            self._list(el, ordered=tag == "ol")
        elif tag == "table":
            self.flush()
            rows = [" | ".join(inline_text(c) for c in tr if isinstance(c.tag, str)) for tr in el.iter("tr")]
            if rows := [r for r in rows if r.strip(" |")]:
                self.blocks.append("\n".join(rows))
        elif tag == "br":
            self.buf.append(_BR)
        elif tag == "img":
            pass
        else:
            block = tag in _BLOCK or tag == "li"
            if block:
                self.flush()
            if el.text and tag:
                self.buf.append(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        if el.tail:
            self.buf.append(el.tail)

    def _list(self, el: Any, ordered: bool) -> None:
        items = []
        for i, li in enumerate((c for c in el if isinstance(c.tag, str) and c.tag.lower() == "li"), 1):
            inner = render(li)
            marker = f"{i}." if ordered else "-"
            items.append(f"{marker} {inner.replace(chr(10) * 2, chr(10)).replace(chr(10), chr(10) + '  ')}")
        if items:
            self.blocks.append("\n".join(items))


def render(el: Any) -> str:
    r = _Renderer()
    if el.text:
        r.buf.append(el.text)
    for child in el:
        r.walk(child)
    r.flush()
    return "\n\n".join(r.blocks)


def _head_title(root: Any) -> str | None:
    for xpath in ("//title", "//meta[@property='og:title']/@content"):
        found = root.xpath(xpath)
        if found:
            text = found[0] if isinstance(found[0], str) else inline_text(found[0])
            if text.strip():
                return text.strip()
    return None


def html_to_text(text: str) -> tuple[str, str | None]:
    """(Markdown-style text of the main content, page title: its first h1, else <title>)."""
    root = parse(text)
    head_title = _head_title(root)
    strip_boilerplate(root)
    content = content_root(root)
    h1 = content.xpath(".//h1")
    title = inline_text(h1[0]) if h1 and inline_text(h1[0]) else head_title
    return render(content) + "\n", title


def read(entry: Entry, ctx: Context, *, fmt: str = "html", title: str | None = None, **prov: Any) -> None:
    data = entry.read()
    decoded = decode(data, declared_charset(data))
    text, found_title = html_to_text(decoded.text)
    meta = {"encoding": decoded.encoding} if decoded.encoding != "utf-8" else {}
    ctx.doc(
        entry,
        text,
        fmt=fmt,
        title=found_title or title or entry.name.rsplit(".", 1)[0],
        metadata=meta,
        provenance=prov,
    )
