"""IRC logs (``[HH:MM] <nick> message``, irssi/weechat-style): one conversation per day.

The date comes from irssi's ``--- Log opened`` / ``--- Day changed`` lines or
from the file name; joins, parts and mode changes are counted, not kept; a
line addressed to a nick ("alice: ...") gets the nick's hashed id.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.conversation import Conversation, Message
from forge_data.ingest.encoding import decode
from forge_data.ingest.entry import Entry
from forge_data.ingest.errors import Rejected

_STAMP = r"\[(\d{1,2}):(\d{2})(?::(\d{2}))?\]"
_SAY = re.compile(_STAMP + r"\s+<[ @+%&~!]?([^>\s]+)>\s?(.*)$")
_ACTION = re.compile(_STAMP + r"\s+\*\s+(\S+)\s+(.*)$")
_EVENT = re.compile(_STAMP + r"\s+(?:-!-|\*\*\*|-->|<--|--|\*\s*\*)\s")
_DAY_MARK = re.compile(
    r"^---\s+(?:Log opened|Day changed)\s+\w{3}\s+(\w{3})\s+(\d{1,2})\s+(?:[\d:]+\s+)?(\d{4})"
)
_NAME_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_CHANNEL = re.compile(r"(#[^\s.#]+)")
_ADDRESSED = re.compile(r"^([^\s:,]+)([:,])\s")


def is_irc(head: bytes) -> bool:
    lines = head.decode("utf-8", "replace").splitlines()[:40]
    return sum(1 for line in lines if _SAY.match(line) or _DAY_MARK.match(line)) >= 1


def _date_from_name(name: str) -> str | None:
    m = _NAME_DATE.search(name)
    if not m:
        return None
    try:
        return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3))).strftime("%Y-%m-%d")
    except ValueError:
        return None


def read(entry: Entry, ctx: Context, **_: Any) -> None:
    decoded = decode(entry.read())
    channel_m = _CHANNEL.search(entry.name)
    channel = channel_m.group(1) if channel_m else entry.name.rsplit(".", 1)[0]
    day = _date_from_name(entry.name)
    days: dict[str, list[Message]] = {}
    events: Counter = Counter()
    nicks: set[str] = set()
    for order, line in enumerate(decoded.text.split("\n")):
        mark = _DAY_MARK.match(line)
        if mark:
            try:
                day = datetime.strptime(" ".join(mark.groups()), "%b %d %Y").strftime("%Y-%m-%d")
            except ValueError:
                events["unparsed_lines"] += 1
            continue
        said = _SAY.match(line) or _ACTION.match(line)
        if not said:
            events["events" if _EVENT.match(line) else ("unparsed_lines" if line.strip() else "blank")] += 1
            continue
        hh, mm, ss, nick, text = said.groups()
        if said.re is _ACTION:
            text = f"* {text}"
        nicks.add(nick.lower())
        addressed = _ADDRESSED.match(text)
        if addressed and addressed.group(1).lower() in nicks:
            text = "@" + ctx.pseudonyms(addressed.group(1)) + text[len(addressed.group(1)) :]
        when = None
        if day:
            try:
                when = datetime.strptime(f"{day} {hh}:{mm}:{ss or '00'}", "%Y-%m-%d %H:%M:%S").replace(
                    tzinfo=UTC
                )
            except ValueError:  # a stamp such as [25:61]
                events["bad_timestamps"] += 1
        ctx.ledger.count("chat_messages", "irc")
        days.setdefault(day or "undated", []).append(
            Message(key=str(order), speaker=ctx.pseudonyms(nick), time=when, text=text, order=order)
        )
    if not days:
        raise Rejected("parse_error", "no IRC message lines found")
    meta = {k: v for k, v in events.items() if k != "blank"}
    for key, messages in days.items():
        ctx.chat(
            Conversation(
                uri=f"irc://{entry.path}#{key}",
                fmt="irc",
                messages=messages,
                title=f"{channel} {key}",
                channel=channel,
                thread=key,
                path=entry.path,
                metadata={"grouping": "day", **meta},
            )
        )
