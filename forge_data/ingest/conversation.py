"""Conversations: ordered turns with a hashed speaker and a time, one record each.

Chat readers turn their export into :class:`Message` objects; :func:`group`
puts replies into their thread and the rest of a channel into one
conversation per day, and :func:`to_record` renders the record that SFT reads.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from forge_data.ingest.natural_language import detect_language
from forge_data.ingest.strings import clean
from forge_data.schema import make_record

if TYPE_CHECKING:
    from forge_data.ingest.context import Context


@dataclass
class Message:
    key: str  # unique within the channel: Slack ts, Discord id, Message-ID, ...
    speaker: str  # hashed id
    time: datetime | None
    text: str
    thread: str | None = None  # key of the thread's root; None for a top-level message
    order: int = 0  # position in the export, to keep order where times are missing or equal


@dataclass
class Conversation:
    uri: str
    fmt: str
    messages: list[Message]
    title: str | None = None
    channel: str | None = None
    thread: str | None = None
    path: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)


_EPOCH = datetime.min.replace(tzinfo=UTC)


def ordered(messages: Iterable[Message]) -> list[Message]:
    return sorted(messages, key=lambda m: (m.time or _EPOCH, m.order))


def group(messages: list[Message]) -> list[tuple[str, str, list[Message]]]:
    """Split one channel's messages into threads and per-day conversations.

    A message with replies, and its replies, form a thread (``("thread", root_key, msgs)``);
    other messages form one conversation per UTC day (``("day", "YYYY-MM-DD", msgs)``).
    """
    by_key = {m.key: m for m in messages}
    replies: dict[str, list[Message]] = defaultdict(list)
    for m in messages:
        if m.thread and m.thread != m.key:
            replies[m.thread].append(m)
    out: list[tuple[str, str, list[Message]]] = []
    days: dict[str, list[Message]] = defaultdict(list)
    for m in messages:
        if m.thread and m.thread != m.key:
            continue  # placed with its root below
        if m.key in replies:
            out.append(("thread", m.key, ordered([m, *replies[m.key]])))
        else:
            days[m.time.strftime("%Y-%m-%d") if m.time else "undated"].append(m)
    for root, msgs in replies.items():
        if root not in by_key:  # the root fell outside the export: its replies still form a thread
            out.append(("thread", root, ordered(msgs)))
    for day, msgs in days.items():
        out.append(("day", day, ordered(msgs)))
    return sorted(out, key=lambda g: (g[2][0].time or _EPOCH, g[2][0].order))


def render(messages: list[Message]) -> str:
    """Readable lines, ``[2024-01-05 10:02] u-3f9a2c1b0d4e: text``; continuation lines indented."""
    lines = []
    for m in messages:
        when = m.time.strftime("%Y-%m-%d %H:%M") if m.time else "----------- --:--"
        first, *rest = (m.text or "").split("\n") or [""]
        lines.append(f"[{when}] {m.speaker}: {first}")
        lines.extend(f"    {r}" for r in rest)
    return "\n".join(lines)


def to_record(conv: Conversation, ctx: Context) -> dict[str, Any] | None:
    messages = [m for m in conv.messages if m.text.strip()]
    prov = {
        "source_kind": ctx.source_kind,
        "format": conv.fmt,
        "channel": conv.channel,
        "thread": conv.thread,
        "path": conv.path,
        **conv.provenance,
    }
    if not messages:
        ctx.reject(conv.uri, "empty", "conversation without any message text", provenance=prov)
        return None
    messages = ordered(messages)
    text = render(messages)
    prov.setdefault("author_hash", messages[0].speaker)
    meta = {
        "title": conv.title,
        "messages": len(messages),
        "participants": len({m.speaker for m in messages}),
        "turns_by_speaker": dict(Counter(m.speaker for m in messages).most_common()),
        **conv.metadata,
    }
    return make_record(
        kind="chat",
        source=ctx.source,
        uri=clean(conv.uri),  # the id is hashed from it: it must encode
        text=text,
        title=conv.title,
        language=detect_language("\n".join(m.text for m in messages)),
        created_at=messages[0].time,
        provenance=prov,
        turns=[{"speaker": m.speaker, "time": m.time, "text": m.text} for m in messages],
        metadata=meta,
    )


def emit_channel(
    ctx: Context,
    messages: list[Message],
    *,
    fmt: str,
    channel: str,
    uri_prefix: str,
    path: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Group one channel's messages into threads and days and emit each as a chat record."""
    for kind, key, msgs in group(messages):
        ctx.chat(
            Conversation(
                uri=f"{uri_prefix}/{key}",
                fmt=fmt,
                messages=msgs,
                title=f"{channel} {kind} {key}",
                channel=channel,
                thread=key if kind == "thread" else None,
                path=path,
                metadata={"grouping": kind, **(metadata or {})},
            )
        )
