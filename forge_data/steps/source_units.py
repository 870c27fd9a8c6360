"""Which parts of a source changed since the last ingest, and which part each row came from.

A *unit* is what an incremental ingest reads or skips as a whole: a file of a wiki (an archive
counts as one file), a path of a git tree, a channel folder of a Slack export (threads span the
channel's day files; the export's top-level user and channel lists are read with every channel,
and a change to them means a full read), and the whole of any other chat export.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from forge_data.config import SourceConfig
from forge_data.ingest.entry import Skip
from forge_data.ingest.limits import Limits
from forge_data.ingest.pseudonym import KEY_ENV
from forge_data.ingest.walk import Walk

# Bump when the snapshot's layout or the meaning of a unit changes: old snapshots are then re-read.
SNAPSHOT_FORMAT = 2
WHOLE_SOURCE = "*"
_GLOB_CHARS = set("*?")


def settings_hash(source: SourceConfig) -> str:
    """What, besides the files, decides the rows: the source's settings and the author-hash key."""
    import forge_data

    key = hashlib.sha256(os.environ.get(KEY_ENV, "").encode()).hexdigest()[:12]
    payload = f"{SNAPSHOT_FORMAT}\0{forge_data.__version__}\0{key}\0{source.model_dump_json()}"
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def file_hashes(source: SourceConfig, root: Path) -> tuple[dict[str, str], int]:
    """Content hash of every file the source selects (archives unopened), and how many were excluded."""
    hashes: dict[str, str] = {}
    limits = Limits(max_file_bytes=source.max_file_bytes)
    with Walk(root, limits, source.include, source.exclude, expand_archives=False) as walk:
        for item in walk:
            if isinstance(item, Skip):
                hashes[item.path] = f"skip:{item.reason}"
                continue
            digest = hashlib.sha256()
            with item.open() as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            hashes[item.path] = digest.hexdigest()
        return hashes, walk.excluded


def changed_files(old: dict[str, str], new: dict[str, str]) -> tuple[set[str], set[str]]:
    """(added or modified, removed) files."""
    return {p for p, h in new.items() if old.get(p) != h}, set(old) - set(new)


def include_exactly(paths: set[str]) -> list[str] | None:
    """Include globs that select exactly ``paths`` (None when a path cannot be written as a glob)."""
    if any(_GLOB_CHARS & set(p) for p in paths):
        return None
    # A leading "/" anchors the pattern at the source's root; without it a bare name would match at any depth.
    return [f"/{p}" for p in sorted(paths)]


@dataclass(frozen=True)
class Scheme:
    """How one source's files group into units, and how a partial read selects some of them."""

    kind: str  # file | channel | whole
    files: frozenset[str]

    @cached_property
    def units(self) -> frozenset[str]:
        return frozenset(self.file_unit(f) for f in self.files)

    @cached_property
    def meta(self) -> set[str]:
        """Files read along with every unit (a Slack export's top-level lists)."""
        return {f for f in self.files if "/" not in f} if self.kind == "channel" else set()

    def file_unit(self, path: str) -> str:
        if self.kind == "whole":
            return WHOLE_SOURCE
        return path.split("/", 1)[0] if self.kind == "channel" else path

    def row_unit(self, path: str | None) -> str | None:
        if self.kind == "whole":
            return WHOLE_SOURCE
        if self.kind == "file":
            return unit_of(path, self.files)
        head = (path or "").split("!/", 1)[0].split("/", 1)[0]
        return head if head in self.units else None

    def partial(self, changed: set[str]) -> tuple[set[str], list[str]] | None:
        """(units a partial read replaces, include globs selecting them), or None for a full read."""
        if self.kind == "whole" or changed & self.meta:
            return None
        present = changed & self.units
        include = include_exactly(present | (self.meta if present else set()))
        return (changed | self.meta, include) if include is not None else None


def scheme_for(kind: str, root: Path, files: set[str]) -> Scheme:
    from forge_data.ingest.formats.slack import is_slack_root

    if kind == "wiki":
        return Scheme("file", frozenset(files))
    top = {f for f in files if "/" not in f}
    return Scheme("channel" if root.is_dir() and is_slack_root(top) else "whole", frozenset(files))


def unit_of(path: str | None, files: frozenset[str] | set[str]) -> str | None:
    """The file a row's provenance path belongs to: itself, or the archive holding it (``a.zip!/x``)."""
    if not path:
        return None
    base = path.split("!/", 1)[0]
    return base if base in files else None
