"""Slack exports (a folder or a zip): channels.json, users.json, ``<channel>/<YYYY-MM-DD>.json``.

Replies are regrouped into their thread across day files; the rest of a
channel becomes one conversation per day. Every subtype is handled on purpose:
events (joins, topic changes, pins ...) are counted and left out of the turns,
bot and file-share messages are kept. Speakers and ``<@U...>`` mentions become
the same hashed ids; DMs and group DMs are named by id, never by their members.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.conversation import Message, emit_channel
from forge_data.ingest.dispatch import admit
from forge_data.ingest.entry import Entry
from forge_data.ingest.strings import token

# Export files that describe the workspace: (channel kind, whether folders are named by id).
META_FILES = {"channels.json": ("public", False), "groups.json": ("private", False),
              "dms.json": ("dm", True), "mpims.json": ("mpim", True)}  # fmt: skip
AUX_FILES = {
    "users.json",
    "integration_logs.json",
    "org_users.json",
    "canvases.json",
    "huddle_transcripts.json",
}
KEEP_SUBTYPES = {None, "", "bot_message", "file_share", "thread_broadcast", "me_message", "file_comment"}
EVENT_SUBTYPES = {
    "channel_join", "channel_leave", "group_join", "group_leave", "channel_topic", "channel_purpose",
    "channel_name", "channel_archive", "channel_unarchive", "group_topic", "group_purpose", "group_name",
    "group_archive", "group_unarchive", "pinned_item", "unpinned_item", "reminder_add", "bot_add",
    "bot_remove", "tombstone", "message_deleted", "message_changed", "channel_convert_to_private",
    "sh_room_created", "huddle_thread", "app_conversation_join",
}  # fmt: skip
_DAY = re.compile(r"^(?P<folder>[^/]+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")
_ANGLE = re.compile(r"<([@#!])([^>|]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto|ftp|tel):[^>|]+)(?:\|([^>]*))?>")


def is_slack_root(names: set[str]) -> bool:
    return "channels.json" in names or ("users.json" in names and bool(META_FILES.keys() & names))


def _load(entry: Entry) -> Any:
    return json.loads(entry.read().decode("utf-8-sig"))


def _text(raw: str, pseudonyms: Any, channel_names: dict[str, str]) -> str:
    def angle(m: re.Match[str]) -> str:
        sigil, ident, label = m.groups()
        if sigil == "@":
            return "@" + pseudonyms(ident)
        if sigil == "#":
            return "#" + channel_names.get(ident, label or ident)
        if ident.startswith(("subteam^", "date^")):
            return label or ""
        return "@" + ident  # here, channel, everyone

    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), raw)
    return html.unescape(_ANGLE.sub(angle, text))


class _Channels:
    """Which folder is which channel, and how a channel may be named in records."""

    def __init__(self, files: dict[str, Entry], ctx: Context):
        self.label: dict[str, str] = {}  # folder -> label used in uris and provenance
        self.names: dict[str, str] = {}  # channel id -> "#name" for public and private channels
        self.bots: set[str] = set()
        for meta_name, (_, by_id) in META_FILES.items():
            for ch in self._list(files.get(meta_name), ctx):
                cid, name = str(ch.get("id", "")), str(ch.get("name", ""))
                folder = name or cid
                self.label[folder] = cid if by_id else name
                if not by_id and cid:
                    self.names[cid] = name
        for user in self._list(files.get("users.json"), ctx):
            if user.get("is_bot"):
                self.bots.add(str(user.get("id")))

    @staticmethod
    def _list(entry: Entry | None, ctx: Context) -> list[dict[str, Any]]:
        if entry is None:
            return []
        ctx.ledger.bytes += entry.size
        try:
            data = _load(entry)
        except (ValueError, UnicodeDecodeError):
            ctx.reject_entry(entry, "parse_error", "Slack workspace file is not valid JSON", "slack")
            return []
        return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _message(m: dict[str, Any], i: int, ctx: Context, channels: _Channels) -> Message | None:
    subtype = m.get("subtype")
    if subtype not in KEEP_SUBTYPES:
        ctx.ledger.count(
            "skipped_subtypes", str(subtype) if subtype in EVENT_SUBTYPES else f"other:{subtype}"
        )
        return None
    user = m.get("user")
    if subtype == "bot_message" or (user and user in channels.bots) or (not user and m.get("bot_id")):
        speaker = ctx.pseudonyms(str(m.get("bot_id") or user or m.get("username") or "bot"), prefix="b")
    else:
        speaker = ctx.pseudonyms(str(user or "unknown"))
    parts = [_text(str(m.get("text") or ""), ctx.pseudonyms, channels.names)]
    if not parts[0].strip():
        parts = [
            str(a.get("fallback") or a.get("text") or "")
            for a in m.get("attachments") or []
            if isinstance(a, dict)
        ]
    for f in m.get("files") or []:
        if isinstance(f, dict):
            parts.append(f"[file: {f.get('name') or f.get('title') or 'unnamed'}]")
    ts = str(m["ts"])
    thread = m.get("thread_ts")
    ctx.ledger.count("chat_messages", "slack")
    return Message(
        key=ts,
        speaker=speaker,
        time=datetime.fromtimestamp(float(ts), UTC),
        text="\n".join(p for p in parts if p.strip()),
        thread=str(thread) if thread else None,
        order=i,
    )


def read_export(root: str, files: dict[str, Entry], ctx: Context) -> None:
    """``files`` maps paths relative to the export's root to their entries."""
    channels = _Channels(files, ctx)
    days: dict[str, list[tuple[str, Entry]]] = {}
    for rel, entry in sorted(files.items()):
        m = _DAY.match(rel)
        if m:
            days.setdefault(m.group("folder"), []).append((m.group("day"), entry))
        elif rel in AUX_FILES or rel in META_FILES:
            ctx.ledger.count("auxiliary_files", "slack")
        else:
            ctx.ledger.bytes += entry.size
            ctx.reject_entry(entry, "unsupported_format", "not a file of the Slack export layout", "slack")
    for folder, day_files in sorted(days.items()):
        label = channels.label.get(folder, folder)
        messages: list[Message] = []
        keys: set[str] = set()  # a thread_broadcast can repeat a reply already seen
        skipped: Counter = Counter()
        for _, entry in day_files:
            if not admit(entry, ctx, "slack"):
                continue
            try:
                data = _load(entry)
            except (ValueError, UnicodeDecodeError):
                ctx.reject_entry(entry, "parse_error", "Slack day file is not valid JSON", "slack")
                continue
            if not isinstance(data, list):
                ctx.reject_entry(entry, "parse_error", "Slack day file is not a list of messages", "slack")
                continue
            for i, raw in enumerate(data):
                if not isinstance(raw, dict) or "ts" not in raw:
                    ctx.reject(f"{entry.uri}#{i}", "parse_error", "message without a timestamp", fmt="slack",
                               provenance={"path": entry.path, "channel": label})  # fmt: skip
                    continue
                try:
                    msg = _message(raw, len(messages) + i, ctx, channels)
                except (ValueError, TypeError, OverflowError):
                    ctx.reject(f"{entry.uri}#{i}", "parse_error", "message with an unreadable timestamp",
                               fmt="slack", provenance={"path": entry.path, "channel": label})  # fmt: skip
                    continue
                if msg is None:
                    skipped[token(raw.get("subtype"))] += 1
                elif msg.key not in keys:
                    keys.add(msg.key)
                    messages.append(msg)
        emit_channel(
            ctx,
            messages,
            fmt="slack",
            channel=label,
            uri_prefix=f"slack://{root}{label}",
            # Group-DM folders are named after their members; the path would name them too.
            path=f"{root}{folder}" if folder == label or folder not in channels.label else None,
            metadata={"skipped_subtypes_in_channel": dict(skipped)} if skipped else None,
        )
