"""Read the decoded text at a manifest location: what a reader of that format would see.

Tests and benchmarks use this to check ground truth against the files (a value in a base64 mail
body or a JSON-escaped Slack message is only visible once decoded).
"""

from __future__ import annotations

import functools
import json
import mailbox
import xml.etree.ElementTree as ET
from email import message_from_bytes, policy
from pathlib import Path

MW_NS = "{http://www.mediawiki.org/xml/export-0.11/}"


def _json_strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _json_strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _json_strings(v)]
    return []


def _slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _slack(path: Path, locator: str) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    if locator.startswith("ts="):
        ts = locator[3:]
        msgs = [m for m in data if m.get("ts") == ts]
        if not msgs:
            raise KeyError(f"{path}: no message with ts {ts}")
        return _slack_unescape(msgs[0].get("text", ""))
    return "\n".join(_json_strings(data))


def mail_text(msg) -> str:
    """Decoded headers and every text part (bodies and text attachments) of one message."""
    parts = [f"{k}: {v}" for k, v in msg.items()]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


def mail_messages(path: Path):
    """Every message of an mbox, parsed with the modern e-mail API (decoded headers and bodies)."""
    box = mailbox.mbox(path, create=False)
    try:
        return [message_from_bytes(box.get_bytes(key), policy=policy.default) for key in box.keys()]
    finally:
        box.close()


def _cached(parse):
    """Parse a file once per version of it: checking hundreds of locations re-reads the same mbox."""

    @functools.lru_cache(maxsize=8)
    def by_version(path: Path, mtime_ns: int, size: int):
        return parse(path)

    def get(path: Path):
        st = path.stat()
        return by_version(path, st.st_mtime_ns, st.st_size)

    return get


_mail_texts = _cached(lambda path: [(m["Message-ID"], mail_text(m)) for m in mail_messages(path)])
_xml_root = _cached(lambda path: ET.parse(path).getroot())


def _mbox(path: Path, locator: str) -> str:
    texts = [text for mid, text in _mail_texts(path) if not locator or locator == f"message_id={mid}"]
    if locator and not texts:
        raise KeyError(f"{path}: no message {locator}")
    return "\n".join(texts)


def _mediawiki(path: Path, locator: str) -> str:
    root = _xml_root(path)
    wanted = dict(p.split("=", 1) for p in locator.split(";")) if locator else {}
    texts = []
    for page in root.iter(MW_NS + "page"):
        if "page" in wanted and page.findtext(MW_NS + "title") != wanted["page"]:
            continue
        for rev in page.iter(MW_NS + "revision"):
            if "revision" in wanted and rev.findtext(MW_NS + "id") != wanted["revision"]:
                continue
            texts.append(rev.findtext(MW_NS + "text") or "")
    if wanted and not texts:
        raise KeyError(f"{path}: no revision matching {locator}")
    return "\n".join(texts)


def _docx(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    props = doc.core_properties  # author names live here too, and readers copy them into metadata
    parts = [props.title or "", props.author or "", props.last_modified_by or ""]
    parts += [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def text_at(root: str | Path, file: str, locator: str = "") -> str:
    """The decoded text of ``file`` (relative to the sample ``root``), narrowed by ``locator``."""
    path = Path(root) / file
    if file.endswith(".mbox"):
        return _mbox(path, locator)
    if file.endswith(".docx"):
        return _docx(path)
    if file.endswith(".xml") and file.startswith("wiki/mediawiki/"):
        return _mediawiki(path, locator)
    if file.startswith("slack/") and file.endswith(".json"):
        return _slack(path, locator)
    return path.read_text(encoding="utf-8")
