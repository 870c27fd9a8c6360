"""One input file, wherever it lives: on disk, inside a zip, or as a blob of a git commit."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO, Any


@dataclass
class Entry:
    uri: str  # stable within the source: "docs/a.md", "export.zip!/Page 1a2b.md", "repo/src/x.py"
    path: str  # the path a reader reports in provenance
    size: int
    opener: Callable[[], IO[bytes]]
    provenance: dict[str, Any] = field(default_factory=dict)  # repo, commit, blob for git
    in_archive: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)  # given to every record read from it
    created_at: datetime | None = None  # git: the commit's time

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.path).suffix.lower()

    def open(self) -> IO[bytes]:
        return self.opener()

    def read(self) -> bytes:
        with self.opener() as fh:
            return fh.read()

    def head(self, n: int = 8192) -> bytes:
        with self.opener() as fh:
            return fh.read(n)


def bytes_entry(uri: str, path: str, data: bytes, **kw: Any) -> Entry:
    return Entry(uri=uri, path=path, size=len(data), opener=lambda: io.BytesIO(data), **kw)


@dataclass
class Skip:
    """An input found while walking that cannot be read at all (a link, a bomb, a bad archive)."""

    uri: str
    path: str
    reason: str
    detail: str
    size: int | None = None
