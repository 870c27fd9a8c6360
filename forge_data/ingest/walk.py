"""A folder, a single file or an archive, flattened into entries and skips.

Links are never followed: a link pointing outside the source would let an export
smuggle in any file of the machine, and one pointing inside would count its
target twice. Both are accounted as skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from forge_data.ingest.archive import ARCHIVE_SUFFIXES, ArchiveWalker
from forge_data.ingest.entry import Entry, Skip
from forge_data.ingest.limits import Limits
from forge_data.ingest.paths import selected
from forge_data.ingest.strings import clean

VCS_DIRS = {".git", ".hg", ".svn"}


@dataclass
class Walk:
    root: Path
    limits: Limits
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    expand_archives: bool = True
    excluded: int = 0  # paths the include/exclude globs left out: not inputs of this source

    def __post_init__(self) -> None:
        self._archives = ArchiveWalker(self.limits)

    def close(self) -> None:
        self._archives.close()

    def __enter__(self) -> Walk:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __iter__(self) -> Iterator[Entry | Skip]:
        root = self.root
        if root.is_file():
            yield from self._file(root, clean(root.name))
            return
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append, followlinks=False):
            yield from self._unlisted(errors)
            here = Path(dirpath)
            kept = []
            for d in sorted(dirnames):
                p = here / d
                rel = clean(p.relative_to(root).as_posix())
                if d in VCS_DIRS:
                    continue  # version-control internals are not content of a wiki or chat export
                if p.is_symlink():
                    if selected(rel, self.include, self.exclude):
                        yield self._link(p, rel)
                    continue
                kept.append(d)
            dirnames[:] = kept
            for name in sorted(filenames):
                p = here / name
                rel = clean(p.relative_to(root).as_posix())  # a name that is not UTF-8 keeps \x escapes
                if not selected(rel, self.include, self.exclude):
                    self.excluded += 1
                    continue
                if p.is_symlink():
                    yield self._link(p, rel)
                else:
                    yield from self._file(p, rel)
        yield from self._unlisted(errors)

    def _unlisted(self, errors: list[OSError]) -> Iterator[Skip]:
        """Folders os.walk could not list: each is accounted rather than silently missing."""
        while errors:
            err = errors.pop(0)
            rel = Path(err.filename).relative_to(self.root).as_posix() if err.filename else "."
            yield Skip(rel, rel, "unreadable", f"the folder cannot be listed ({type(err).__name__})")

    def _file(self, p: Path, rel: str) -> Iterator[Entry | Skip]:
        try:
            st = p.stat()
        except OSError as err:
            yield Skip(rel, rel, "unreadable", f"cannot stat the file ({type(err).__name__})")
            return
        if not p.is_file():
            yield Skip(rel, rel, "unsupported_format", "not a regular file")
            return
        entry = Entry(uri=rel, path=rel, size=st.st_size, opener=lambda: p.open("rb"))
        if self.expand_archives and entry.suffix in ARCHIVE_SUFFIXES:
            yield from self._archives.expand(entry)
        else:
            yield entry

    def _link(self, p: Path, rel: str) -> Skip:
        target = Path(os.path.realpath(p))
        root = Path(os.path.realpath(self.root))
        if target != root and root not in target.parents:
            return Skip(
                rel, rel, "symlink_outside", "symbolic link pointing outside the source; not followed"
            )
        if not target.exists():
            return Skip(rel, rel, "symlink", "dangling symbolic link inside the source")
        return Skip(
            rel, rel, "symlink", "symbolic link inside the source; its target is read under its own path"
        )
