"""Chat and mail sources: find each export's format, then read it into conversations.

Slack exports are folders (or zips) of many files read together; .eml files of
a source are threaded together; every other format is read file by file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.dispatch import admit, run_reader
from forge_data.ingest.entry import Entry, Skip
from forge_data.ingest.errors import IngestError
from forge_data.ingest.formats import discord, irc, mail_threads, mattermost, slack
from forge_data.ingest.triage import binary
from forge_data.ingest.walk import Walk

PER_FILE: dict[str, Callable[..., None]] = {
    "discord": discord.read,
    "mattermost": mattermost.read,
    "mbox": mail_threads.read_mbox,
    "irc": irc.read,
}
FORMATS = ("slack", "eml", *PER_FILE)
# One file holds many messages: the size limit applies to each message, not the file.
STREAMING = {"mbox", "mattermost"}


def detect_format(entry: Entry) -> str | None:
    s = entry.suffix
    head = entry.head(65536) if entry.size else b""
    if s in (".mbox", ".mbx") or (s in ("", ".txt") and mail_threads.is_mbox(head)):
        return "mbox"
    if s == ".eml" or (s == "" and mail_threads.is_eml(head)):
        return "eml"
    if s in (".jsonl", ".ndjson") or (s == ".json" and mattermost.is_mattermost(head)):
        return "mattermost" if mattermost.is_mattermost(head) else None
    if s == ".json" and discord.is_discord(head):
        return "discord"
    if s in (".log", ".txt", "") and irc.is_irc(head):
        return "irc"
    return None


def _slack_roots(entries: list[Entry]) -> list[str]:
    """Folder prefixes (in uri form, "" for the source root) that hold a Slack export."""
    names_by_dir: dict[str, set[str]] = {}
    for e in entries:
        parent, _, name = e.uri.rpartition("/")
        names_by_dir.setdefault(parent + "/" if parent else "", set()).add(name)
    return sorted(
        (d for d, names in names_by_dir.items() if slack.is_slack_root(names)), key=len, reverse=True
    )


def _guarded(uri: str, fmt: str, ctx: Context, read: Callable[..., None], *args: Any) -> None:
    """Readers of many files at once fail as one quarantine row for the export, not the run."""
    try:
        read(*args)
    except IngestError:
        raise
    except Exception as err:  # noqa: BLE001 - house rule: bad input never ends the run
        ctx.reject(uri, "parse_error", f"{fmt} export reader failed ({type(err).__name__})", fmt=fmt)


def ingest_chat(root: Path, ctx: Context, *, fmt: str, include: list[str], exclude: list[str]) -> dict:
    if fmt != "auto" and fmt not in FORMATS:
        raise IngestError(f"unknown chat format {fmt!r}; known: auto, {', '.join(FORMATS)}")
    with Walk(root, ctx.limits, include, exclude) as walk:
        entries = []
        for item in walk:
            if isinstance(item, Skip):
                ctx.skip(item)
            else:
                entries.append(item)
        slack_roots = _slack_roots(entries) if fmt in ("auto", "slack") else []
        if fmt == "slack" and not slack_roots:
            slack_roots = [""]
        exports: dict[str, dict[str, Entry]] = {r: {} for r in slack_roots}
        eml: list[Entry] = []
        for entry in entries:
            export = next((r for r in slack_roots if entry.uri.startswith(r)), None)
            if export is not None:
                exports[export][entry.uri[len(export) :]] = entry
                continue
            found = detect_format(entry) if fmt == "auto" else fmt
            if not admit(entry, ctx, found, streaming=found in STREAMING):
                continue
            if found == "eml":
                eml.append(entry)
            elif found in PER_FILE:
                run_reader(entry, ctx, found, PER_FILE[found])
            elif binary(entry.head()):
                ctx.reject_entry(entry, "binary", "binary file in a chat export")
            else:
                suffix = PurePosixPath(entry.path).suffix or "files without extension"
                ctx.reject_entry(entry, "unsupported_format", f"no chat reader recognises {suffix}")
        for export, files in exports.items():
            _guarded(f"slack://{export}", "slack", ctx, slack.read_export, export, files, ctx)
        if eml:
            _guarded("eml://", "eml", ctx, mail_threads.read_eml_pool, eml, ctx)
        return {"excluded_by_config": walk.excluded}
