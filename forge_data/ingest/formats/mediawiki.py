"""MediaWiki XML exports (export-0.10 / 0.11): one record per page, from its latest revision.

The dump is streamed page by page, so a large wiki does not have to fit in
memory. Redirect pages become no record of their own: their titles are kept
as ``aliases`` on the target page, and each is accounted as a ``redirect``
quarantine row. Template, module and user pages are not prose and are skipped
with a reason too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.entry import Entry
from forge_data.ingest.errors import Rejected
from forge_data.ingest.formats.wikitext import redirect_target, to_text

# User, MediaWiki interface, Template, Module, Gadget and TimedText namespaces: markup and
# people's profiles rather than the company's documentation.
SKIPPED_NAMESPACES = {2: "User", 8: "MediaWiki", 10: "Template", 828: "Module", 710: "TimedText",
                      2300: "Gadget", 2302: "Gadget definition"}  # fmt: skip
_TEXT_MODELS = {None, "", "wikitext"}


def is_mediawiki(head: bytes) -> bool:
    return b"<mediawiki" in head[:4096] and b"mediawiki.org/xml/export-" in head[:4096]


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el: Any, name: str) -> Any:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el: Any, name: str) -> str | None:
    c = _child(el, name)
    return c.text if c is not None else None


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _latest(page: Any) -> Any:
    revisions = [c for c in page if _local(c.tag) == "revision"]
    # ISO-8601 UTC timestamps sort as strings; a revision without one sorts first.
    return max(revisions, key=lambda r: (_text(r, "timestamp") or "", int(_text(r, "id") or 0)), default=None)


def _pages(entry: Entry):
    from lxml import etree

    with entry.open() as fh:
        for _, el in etree.iterparse(
            fh, events=("end",), tag="{*}page", resolve_entities=False, no_network=True, load_dtd=False
        ):
            yield el
            el.clear(keep_tail=False)
            parent = el.getparent()
            if parent is not None:  # drop pages already read, or memory grows with the dump
                while el.getprevious() is not None:
                    del parent[0]


def read(entry: Entry, ctx: Context, **prov: Any) -> None:
    from lxml import etree

    pages: list[dict[str, Any]] = []  # held back until the redirects pointing at them are known
    redirects: list[tuple[str, str, str | None, str]] = []  # (title, target, page id, uri)
    seen = 0
    try:
        for page in _pages(entry):
            seen += 1
            try:
                found = _page(page, entry, ctx, redirects, prov)
            except (ValueError, TypeError) as err:  # a malformed page: one row, not the whole dump
                ctx.reject(f"mediawiki://{entry.path}#page-{seen}", "parse_error",
                           f"malformed page element ({type(err).__name__})", fmt="mediawiki",
                           provenance={"path": entry.path})  # fmt: skip
                continue
            if found:
                pages.append(found)
    except etree.XMLSyntaxError as err:
        if not seen:
            raise Rejected(
                "parse_error", f"not a readable MediaWiki export (XML error at line {err.lineno})"
            ) from None
        ctx.reject_entry(
            entry, "parse_error", f"export breaks off after {seen} pages (XML error at line {err.lineno})"
        )
    by_title = {}
    for p in pages:
        by_title.setdefault(p["title"], p)
    for title, target, page_id, uri in redirects:
        found = by_title.get(target)
        if found is not None:
            found["aliases"].append(title)
        detail = (
            "redirect; its title is kept as an alias of its target page"
            if found
            else ("redirect to a page that is not in this export")
        )
        ctx.reject(
            uri, "redirect", detail, fmt="mediawiki", provenance={"path": entry.path, "page_id": page_id}
        )
    for p in pages:
        meta = {"categories": p["categories"], "aliases": p["aliases"], "namespace": p["ns"]}
        ctx.doc(entry, p["text"], fmt="mediawiki", title=p["title"], uri=p["uri"], metadata=meta,
                created_at=p["time"], provenance=p["prov"])  # fmt: skip


def _page(page: Any, entry: Entry, ctx: Context, redirects: list, prov: dict) -> dict[str, Any] | None:
    """The page to emit, or None when it was accounted otherwise (skipped, redirect, rejected)."""
    title = (_text(page, "title") or "").strip()
    ns = int(_text(page, "ns") or 0)
    page_id = _text(page, "id")
    uri = f"mediawiki://{entry.path}/{title.replace(' ', '_') or page_id}"
    base = {"path": entry.path, "page_id": page_id, **prov}
    if ns in SKIPPED_NAMESPACES:
        ctx.reject(uri, "skipped_namespace", f"{SKIPPED_NAMESPACES[ns]} namespace page", fmt="mediawiki",
                   provenance=base)  # fmt: skip
        return None
    rev = _latest(page)
    text_el = _child(rev, "text") if rev is not None else None
    if text_el is None or text_el.get("deleted") is not None:
        ctx.reject(
            uri,
            "empty",
            "the latest revision has no text (missing or hidden)",
            fmt="mediawiki",
            provenance=base,
        )
        return None
    wikitext = text_el.text or ""
    size = len(wikitext.encode("utf-8"))
    revision = {"revision": _text(rev, "id"), **base}
    contributor = _child(rev, "contributor")
    who = contributor is not None and (_text(contributor, "id") or _text(contributor, "username") or _text(
        contributor, "ip"))  # fmt: skip
    if who:
        revision["author_hash"] = ctx.pseudonyms(who)
    redirect = _child(page, "redirect")
    target = redirect.get("title") if redirect is not None else redirect_target(wikitext)
    if target:
        redirects.append((title, target.replace("_", " "), page_id, uri))
        return None
    if _text(rev, "model") not in _TEXT_MODELS:
        ctx.reject(uri, "unsupported_format", "the page's content model is not wikitext",
                   fmt="mediawiki", size=size, provenance=revision)  # fmt: skip
        return None
    if size > ctx.limits.max_file_bytes:
        ctx.reject(uri, "too_large", f"page text of {size} bytes exceeds {ctx.limits.max_file_bytes}",
                   fmt="mediawiki", size=size, provenance=revision)  # fmt: skip
        return None
    text, categories = to_text(wikitext)
    if title and text:
        text = f"# {title}\n\n{text}"
    return {"uri": uri, "title": title, "text": text, "ns": ns, "categories": categories,
                    "aliases": [], "time": _time(_text(rev, "timestamp")), "prov": revision}  # fmt: skip
