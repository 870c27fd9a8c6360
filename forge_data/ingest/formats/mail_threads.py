"""mbox files and .eml messages, regrouped into reply chains: one chat record per thread.

Threads are joined through Message-ID, References and In-Reply-To; a reply
whose parents are missing joins the thread with its subject. An mbox is split
while it streams, so a mailbox larger than memory still reads; each message
over the size limit is quarantined without being kept.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.conversation import Conversation, Message
from forge_data.ingest.entry import Entry
from forge_data.ingest.errors import Rejected
from forge_data.ingest.formats.mail import MailMessage, normal_subject, parse

_FROM_LINE = re.compile(rb"^From ")
_ESCAPED_FROM = re.compile(rb"^>(>*From )")
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{1,60}:")


def is_mbox(head: bytes) -> bool:
    return head.startswith(b"From ") and b"\n" in head


def is_eml(head: bytes) -> bool:
    lines = head.split(b"\n", 20)[:20]
    return (
        bool(lines)
        and _HEADER_LINE.match(lines[0]) is not None
        and any(re.match(rb"(?i)^(from|message-id|subject|date):", line) for line in lines)
    )


def split_mbox(entry: Entry, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(index, message bytes or None when over ``limit``, size) for each message of an mbox."""
    index, buf, size = 0, [], -1
    with entry.open() as fh:
        for line in fh:
            if _FROM_LINE.match(line):
                if size >= 0:
                    yield index, (b"".join(buf) if size <= limit else None), size
                    index += 1
                buf, size = [], 0
                continue
            if size < 0:
                size = 0  # text before the first From_ line: read it as a message of its own
            line = _ESCAPED_FROM.sub(rb"\1", line)
            size += len(line)
            if size <= limit:
                buf.append(line)
    if size >= 0:
        yield index, (b"".join(buf) if size <= limit else None), size


class _Threads:
    """Union-find over message ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def thread(messages: list[MailMessage]) -> list[list[MailMessage]]:
    threads = _Threads()
    for m in messages:
        threads.find(m.msg_id)
        for p in m.parents:
            threads.union(p, m.msg_id)
    by_subject: dict[str, str] = {}
    for m in sorted(messages, key=lambda m: m.order):
        subject = normal_subject(m.subject)
        if not subject:
            continue
        if not m.parents and subject in by_subject and subject != m.subject.strip().lower():
            threads.union(by_subject[subject], m.msg_id)  # "Re: x" without headers joins thread "x"
        by_subject.setdefault(subject, m.msg_id)
    groups: dict[str, list[MailMessage]] = defaultdict(list)
    for m in messages:
        groups[threads.find(m.msg_id)].append(m)
    return list(groups.values())


def emit_threads(messages: list[MailMessage], ctx: Context, *, fmt: str, paths: dict[str, str]) -> None:
    for msgs in thread(messages):
        timed = sorted(msgs, key=lambda m: (m.time.timestamp() if m.time else float("inf"), m.order))
        root = timed[0]
        counts: Counter = Counter()
        turns, seen = [], set()
        for m in timed:
            counts.update(m.counts)
            if m.msg_id in seen:  # the same message delivered twice
                counts["duplicate_messages"] += 1
                continue
            seen.add(m.msg_id)
            turns.append(Message(key=m.msg_id, speaker=m.speaker, time=m.time, text=m.text, order=m.order))
        path = paths[root.msg_id]
        ctx.chat(
            Conversation(
                uri=f"{fmt}://{path}#{root.msg_id}",
                fmt=fmt,
                messages=turns,
                title=root.subject.strip()[:300] or None,
                thread=root.msg_id,
                path=path,
                metadata={"grouping": "reply_chain", **dict(counts)},
            )
        )


def _parse(raw: bytes, ctx: Context, order: int) -> MailMessage:
    try:
        return parse(raw, ctx, order)
    except Rejected:
        raise
    except Exception as err:  # noqa: BLE001 - one broken message must not lose its mailbox
        raise Rejected("parse_error", f"mail message does not parse ({type(err).__name__})") from None


def read_mbox(entry: Entry, ctx: Context, **_: Any) -> None:
    messages: list[MailMessage] = []
    found = 0
    for index, raw, size in split_mbox(entry, ctx.limits.max_file_bytes):
        found += 1
        uri = f"mbox://{entry.path}#{index}"
        if raw is None:
            ctx.reject(uri, "too_large", f"message of {size} bytes exceeds {ctx.limits.max_file_bytes}",
                       fmt="mbox", size=size, provenance={"path": entry.path})  # fmt: skip
            continue
        try:
            messages.append(_parse(raw, ctx, index))
        except Rejected as err:
            ctx.reject(uri, err.reason, err.detail, fmt="mbox", size=size, provenance={"path": entry.path})
            continue
        ctx.ledger.count("chat_messages", "mbox")
    if not found:
        raise Rejected("parse_error", "no mail messages in the mbox")
    emit_threads(messages, ctx, fmt="mbox", paths=dict.fromkeys((m.msg_id for m in messages), entry.path))


def read_eml_pool(entries: list[Entry], ctx: Context) -> None:
    """All .eml files of a source thread together: a reply may sit in any folder."""
    messages: list[MailMessage] = []
    paths: dict[str, str] = {}
    for order, entry in enumerate(entries):
        try:
            m = _parse(entry.read(), ctx, order)
        except Rejected as err:
            ctx.reject_entry(entry, err.reason, err.detail, "eml")
            continue
        ctx.ledger.count("chat_messages", "eml")
        paths.setdefault(m.msg_id, entry.path)
        messages.append(m)
    emit_threads(messages, ctx, fmt="eml", paths=paths)
