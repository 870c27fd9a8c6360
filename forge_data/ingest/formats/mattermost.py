"""Mattermost bulk exports (JSON Lines): posts with their nested replies become threads,
posts without replies one conversation per channel and day.

Lines are read one at a time, so the export can be larger than memory allows
for the file as a whole; a malformed line is one quarantine row.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.conversation import Message, emit_channel
from forge_data.ingest.entry import Entry

_MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._-]*)", re.I)


def is_mattermost(head: bytes) -> bool:
    first = head.lstrip().split(b"\n", 1)[0]
    return first.startswith(b"{") and b'"type"' in first and b'"version"' in first


def _time(ms: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(ms) / 1000, UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _text(post: dict[str, Any], users: set[str], ctx: Context) -> str:
    def mention(m: re.Match[str]) -> str:
        name = m.group(1).rstrip(".")
        return "@" + ctx.pseudonyms(name) + m.group(1)[len(name) :] if name.lower() in users else m.group(0)

    text = _MENTION.sub(mention, str(post.get("message") or ""))
    files = [f"[file: {str(a.get('path', '')).rsplit('/', 1)[-1] or 'unnamed'}]"
             for a in post.get("attachments") or [] if isinstance(a, dict)]  # fmt: skip
    return "\n".join(p for p in [text, *files] if p.strip())


def read(entry: Entry, ctx: Context, **_: Any) -> None:
    channels: dict[tuple[str, str], list[Message]] = defaultdict(list)
    users: set[str] = set()
    posts: list[tuple[int, str, dict[str, Any]]] = []
    with entry.open() as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                ctx.reject(f"{entry.uri}#L{lineno}", "parse_error", f"line {lineno} is not valid JSON",
                           fmt="mattermost", size=len(raw), provenance={"path": entry.path})  # fmt: skip
                continue
            kind = line.get("type") if isinstance(line, dict) else None
            if kind == "user" and isinstance(line.get("user"), dict):
                users.add(str(line["user"].get("username", "")).lower())
            elif kind in ("post", "direct_post") and isinstance(line.get(kind), dict):
                posts.append((lineno, kind, line[kind]))
            else:
                ctx.ledger.count("skipped_lines", f"mattermost:{kind}")
    for lineno, kind, post in posts:
        if kind == "post":
            key = (str(post.get("team") or ""), str(post.get("channel") or ""))
        else:  # direct channels are named after their members: name them by a hash of them instead
            members = sorted(str(m).lower() for m in post.get("channel_members") or [])
            key = ("direct", ctx.pseudonyms("|".join(members), prefix="dm"))
        if str(post.get("type") or "").startswith("system_"):
            ctx.ledger.count("skipped_subtypes", f"mattermost:{post.get('type')}")
            continue
        root = f"{post.get('create_at')}-{lineno}"
        replies = [r for r in post.get("replies") or [] if isinstance(r, dict)]
        thread = root if replies else None
        for i, p in enumerate([post, *replies]):
            ctx.ledger.count("chat_messages", "mattermost")
            channels[key].append(
                Message(
                    key=root if i == 0 else f"{root}.{i}",
                    speaker=ctx.pseudonyms(str(p.get("user") or "unknown")),
                    time=_time(p.get("create_at")),
                    text=_text(p, users, ctx),
                    thread=thread,
                    order=lineno * 10_000 + i,
                )
            )
    for (team, channel), messages in channels.items():
        emit_channel(ctx, messages, fmt="mattermost", channel=channel, uri_prefix=f"mattermost://{team}/{channel}",
                     path=entry.path)  # fmt: skip
