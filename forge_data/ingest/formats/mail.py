"""One mail message: headers decoded however broken, the body as text, quoted history removed.

Parsing uses the ``compat32`` policy, which records defects instead of raising,
so malformed headers survive; each header is then decoded on its own and falls
back to a readable form. Bodies are decoded from their declared charset, or
detected where none is declared (or the declaration is wrong).
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import PurePosixPath
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.encoding import decode
from forge_data.ingest.errors import Rejected

TEXT_ATTACHMENTS = {
    ".txt",
    ".md",
    ".csv",
    ".log",
    ".json",
    ".yaml",
    ".yml",
    ".xml",
    ".py",
    ".sql",
    ".diff",
    ".patch",
}
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|tr|antw)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_ATTRIBUTION = re.compile(
    r"^(?:On\s.{4,300}\swrote:|Am\s.{4,300}\sschrieb\s.{0,200}:|Le\s.{4,300}\sa écrit\s?:)\s*$", re.S
)
_OUTLOOK_HISTORY = re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.I)
_SIGNATURE = "-- "


@dataclass
class MailMessage:
    msg_id: str
    parents: list[str]
    subject: str
    speaker: str
    time: datetime | None
    text: str
    order: int
    size: int
    counts: dict[str, int] = field(default_factory=dict)


def header_text(value: Any) -> str:
    """A header value as readable text: RFC 2047 words decoded, stray 8-bit bytes guessed."""
    if value is None:
        return ""
    raw = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in raw):  # undeclared 8-bit bytes in the header
        data = raw.encode("ascii", "surrogateescape")
        try:
            return decode(data).text.strip()
        except Rejected:
            return data.decode("utf-8", "replace").strip()
    try:
        return str(make_header(decode_header(raw))).strip()
    except (ValueError, LookupError, UnicodeError, AssertionError):
        return raw.strip()


def normal_subject(subject: str) -> str:
    return " ".join(_SUBJECT_PREFIX.sub("", subject).split()).lower()


def strip_quoted(body: str) -> str:
    """The message's own words: quoted lines, reply attributions, Outlook history and signature removed."""
    out: list[str] = []
    for line in body.split("\n"):
        if line == _SIGNATURE or _OUTLOOK_HISTORY.match(line.strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        out.append(line)
    text = "\n".join(out)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if not _ATTRIBUTION.match(" ".join(p.split()))]
    return "\n\n".join(p.strip("\n") for p in paragraphs).strip()


def _part_text(part: EmailMessage, counts: dict[str, int]) -> str | None:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        payload = None
    if not isinstance(payload, bytes):
        return None
    if not payload.strip():
        return ""
    try:
        return decode(payload, part.get_content_charset()).text
    except Rejected:
        counts["undecodable_parts"] = counts.get("undecodable_parts", 0) + 1
        return None


def _body(msg: EmailMessage, counts: dict[str, int]) -> str:
    from forge_data.ingest.formats.html import html_to_text

    plain = html = None
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = header_text(part.get_filename()) if part.get_filename() else None
        if disposition != "attachment" and not filename and ctype in ("text/plain", "text/html"):
            text = _part_text(part, counts)
            if ctype == "text/plain" and plain is None:
                plain = text
            elif ctype == "text/html" and html is None:
                html = text
        elif ctype.startswith("text/") or PurePosixPath(filename or "").suffix.lower() in TEXT_ATTACHMENTS:
            text = _part_text(part, counts)
            if text and text.strip():
                attachments.append(f"[attachment: {filename or 'unnamed'}]\n{text.strip()}")
                counts["text_attachments"] = counts.get("text_attachments", 0) + 1
        else:
            counts["skipped_attachments"] = counts.get("skipped_attachments", 0) + 1
    if plain is None and html:
        plain = html_to_text(html)[0]
    return "\n\n".join(p for p in [strip_quoted(plain or ""), *attachments] if p)


def _time(value: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse(raw: bytes, ctx: Context, order: int) -> MailMessage:
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    if not msg.keys():
        raise Rejected("parse_error", "no mail headers found")
    counts = {"header_defects": len(msg.defects)} if msg.defects else {}
    ids = _MSG_ID.findall(header_text(msg.get("Message-ID")))
    msg_id = ids[0] if ids else "sha256:" + hashlib.sha256(raw).hexdigest()[:24]
    parents = _MSG_ID.findall(header_text(msg.get("References"))) + _MSG_ID.findall(
        header_text(msg.get("In-Reply-To"))
    )
    addresses = [a for _, a in getaddresses([header_text(msg.get("From"))]) if a]
    sender = addresses[0] if addresses else header_text(msg.get("From")) or "unknown"
    return MailMessage(
        msg_id=msg_id,
        parents=[p for p in parents if p != msg_id],
        subject=header_text(msg.get("Subject")),
        speaker=ctx.pseudonyms(sender),
        time=_time(header_text(msg.get("Date"))),
        text=_body(msg, counts),
        order=order,
        size=len(raw),
        counts=counts,
    )
