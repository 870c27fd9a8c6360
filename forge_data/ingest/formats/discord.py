"""Discord channels exported by DiscordChatExporter (JSON): reply chains become threads,
the rest of the channel one conversation per day; system messages are counted, not kept."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.conversation import Message, emit_channel
from forge_data.ingest.entry import Entry
from forge_data.ingest.errors import Rejected

KEEP_TYPES = {"Default", "Reply", "ThreadStarterMessage", "ChatInputCommand", "ContextMenuCommand"}
# Direct messages are named after the other person; they are named by id instead.
_DM_TYPES = {"DirectTextChat", "DirectGroupTextChat"}
_RAW_MENTION = re.compile(r"<@!?(\d+)>")


def is_discord(head: bytes) -> bool:
    return b'"guild"' in head and b'"channel"' in head and b'"messages"' in head


def _time(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _root(key: str, parents: dict[str, str]) -> str:
    seen = {key}
    while key in parents and parents[key] not in seen:
        key = parents[key]
        seen.add(key)
    return key


def _text(m: dict[str, Any], ctx: Context) -> str:
    text = str(m.get("content") or "")
    for person in m.get("mentions") or []:
        if not isinstance(person, dict) or not person.get("id"):
            continue
        hashed = "@" + ctx.pseudonyms(str(person["id"]))
        for shown in {person.get("nickname"), person.get("name")} - {None, ""}:
            text = text.replace(f"@{shown}", hashed)
    text = _RAW_MENTION.sub(lambda mm: "@" + ctx.pseudonyms(mm.group(1)), text)
    files = [
        f"[file: {a.get('fileName') or 'unnamed'}]" for a in m.get("attachments") or [] if isinstance(a, dict)
    ]
    return "\n".join(p for p in [text, *files] if p.strip())


def read(entry: Entry, ctx: Context, **_: Any) -> None:
    try:
        data = json.loads(entry.read().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        raise Rejected("parse_error", "DiscordChatExporter file is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise Rejected("parse_error", "not a DiscordChatExporter export (no messages list)")
    channel = data.get("channel") if isinstance(data.get("channel"), dict) else {}
    cid = str(channel.get("id") or entry.path)
    label = cid if channel.get("type") in _DM_TYPES else str(channel.get("name") or cid)
    raw = [m for m in data["messages"] if isinstance(m, dict) and m.get("id")]
    for bad in range(len(data["messages"]) - len(raw)):
        ctx.reject(f"{entry.uri}#malformed-{bad}", "parse_error", "message without an id", fmt="discord",
                   provenance={"path": entry.path, "channel": label})  # fmt: skip
    parents = {
        str(m["id"]): str(m["reference"]["messageId"])
        for m in raw
        if isinstance(m.get("reference"), dict) and m["reference"].get("messageId")
    }
    messages = []
    for i, m in enumerate(raw):
        if m.get("type", "Default") not in KEEP_TYPES:
            ctx.ledger.count("skipped_subtypes", f"discord:{m.get('type')}")
            continue
        author = m.get("author") if isinstance(m.get("author"), dict) else {}
        key = str(m["id"])
        root = _root(key, parents)
        ctx.ledger.count("chat_messages", "discord")
        messages.append(
            Message(
                key=key,
                speaker=ctx.pseudonyms(
                    str(author.get("id") or "unknown"), prefix="b" if author.get("isBot") else "u"
                ),
                time=_time(m.get("timestamp")),
                text=_text(m, ctx),
                thread=root if root != key else None,
                order=i,
            )
        )
    emit_channel(ctx, messages, fmt="discord", channel=label, uri_prefix=f"discord://{cid}", path=entry.path,
                 metadata={"channel_type": channel.get("type")})  # fmt: skip
