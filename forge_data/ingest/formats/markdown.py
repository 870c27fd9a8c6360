"""Markdown: front matter becomes metadata, the body stays Markdown (its headings are the sections)."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from typing import Any

import yaml

from forge_data.ingest.context import Context, headings
from forge_data.ingest.encoding import decode
from forge_data.ingest.entry import Entry
from forge_data.ingest.pseudonym import Pseudonyms

SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mdx")

_YAML_FM = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TOML_FM = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)
_RULE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_MAX_FRONT_MATTER_NODES = 5000
# Front-matter keys that name people; their values are hashed, never kept.
_PERSON_KEYS = re.compile(
    r"author|email|owner|maintainer|contributor|creator|editor|reviewer|assignee|contact", re.I
)


def _yaml_load(text: str) -> Any:
    # libyaml's safe loader when present: the same safety, a fraction of the time.
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def split_front_matter(text: str) -> tuple[dict[str, Any], str, str | None]:
    """(front matter, body, problem): a front matter that does not parse stays in the body."""
    for pattern, load in ((_YAML_FM, _yaml_load), (_TOML_FM, tomllib.loads)):
        m = pattern.match(text)
        if not m:
            continue
        try:
            data = load(m.group(1) or "")
        except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError):
            return {}, text, "front matter does not parse"
        if data is None:
            data = {}
        if not isinstance(data, dict):
            return {}, text, "front matter is not a mapping"
        return data, text[m.end() :], None
    return {}, text, None


class _Budget:
    """YAML aliases can make a tiny front matter expand exponentially; stop walking it early."""

    def __init__(self, nodes: int):
        self.nodes = nodes

    def take(self) -> None:
        self.nodes -= 1
        if self.nodes < 0:
            raise ValueError("front matter too large")


def scrub(value: Any, pseudonyms: Pseudonyms, personal: bool = False, budget: _Budget | None = None) -> Any:
    """Front matter made safe for metadata: people hashed, dates as ISO strings."""
    budget = budget or _Budget(_MAX_FRONT_MATTER_NODES)
    budget.take()
    if isinstance(value, dict):
        return {
            str(k): scrub(v, pseudonyms, personal or bool(_PERSON_KEYS.search(str(k))), budget)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set):
        return [scrub(v, pseudonyms, personal, budget) for v in value]
    if personal and isinstance(value, str):
        return pseudonyms(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def to_atx(body: str) -> str:
    """Setext headings (a line underlined with === or ---) as ``#`` lines, outside fenced code."""
    lines, out, fenced, i = body.split("\n"), [], False, 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            fenced = not fenced
        elif (
            not fenced
            and i + 1 < len(lines)
            and _RULE.match(lines[i + 1])
            and line.strip()
            and not line.lstrip().startswith(("-", "*", "+", ">", "|", "#"))
            and (not out or not out[-1].strip())
        ):
            out.append(("# " if lines[i + 1].lstrip().startswith("=") else "## ") + line.strip())
            i += 2
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def first_title(body: str) -> str | None:
    return next((h["title"] for h in headings(body) if h["level"] == 1), None)


def read(entry: Entry, ctx: Context, *, fmt: str = "markdown", title: str | None = None, **prov: Any) -> None:
    decoded = decode(entry.read())
    front, body, problem = split_front_matter(decoded.text)
    body = to_atx(body)
    meta: dict[str, Any] = {}
    if front:
        try:
            meta["front_matter"] = scrub(front, ctx.pseudonyms)
        except ValueError:
            problem = "front matter too large to keep as metadata"
    if problem:
        meta["front_matter_problem"] = problem
    if decoded.encoding != "utf-8":
        meta["encoding"] = decoded.encoding
    fm_title = front.get("title") if isinstance(front.get("title"), str) else None
    ctx.doc(
        entry,
        body.strip("\n") + "\n",
        fmt=fmt,
        title=fm_title or first_title(body) or title or entry.name.rsplit(".", 1)[0],
        metadata=meta,
        provenance=prov,
    )
