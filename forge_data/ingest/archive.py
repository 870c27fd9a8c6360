"""Zip archives opened defensively: bombs, traversal names, links and damage become Skips.

Every limit is judged from the central directory before a byte is inflated.
Python's zipfile never yields more than a member's declared size and checks
its CRC, so a member that lies about its size ends as ``corrupt`` rather than
inflating without bound.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import PurePosixPath

from forge_data.ingest.entry import Entry, Skip
from forge_data.ingest.errors import Rejected
from forge_data.ingest.limits import Limits

ARCHIVE_SUFFIXES = (".zip",)


def unsafe_name(name: str) -> bool:
    """True for member names that would escape an extraction folder."""
    if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in PurePosixPath(name).parts


def check_zip(zf: zipfile.ZipFile, limits: Limits, budget: int) -> int:
    """Raise ``zip_bomb`` when the directory promises more than the limits allow.

    Returns the declared inflated total, which the caller takes off its budget.
    """
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise Rejected("zip_bomb", f"{len(infos)} members exceed the limit of {limits.max_members}")
    total = sum(i.file_size for i in infos)
    if total > budget:
        raise Rejected("zip_bomb", f"declares {total} inflated bytes, over the remaining budget of {budget}")
    return total


def member_problem(info: zipfile.ZipInfo, limits: Limits) -> tuple[str, str] | None:
    """(reason, detail) when one member must not be read."""
    if unsafe_name(info.filename):
        return "path_traversal", "member name points outside the archive"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "symlink", "archive member is a symbolic link; links in archives are not followed"
    if info.flag_bits & 0x1:
        return "encrypted", "archive member is password-protected"
    if info.file_size > limits.ratio_min_bytes and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        ratio = info.file_size / max(info.compress_size, 1)
        return (
            "zip_bomb",
            f"member inflates {ratio:.0f} times its compressed size (limit {limits.max_ratio:.0f})",
        )
    return None


class ArchiveWalker:
    """Expands zips (and zips inside them) into entries, within one shared inflation budget.

    Open archives stay open until :meth:`close`, so entries can be read after the walk.
    """

    def __init__(self, limits: Limits):
        self.limits = limits
        self.budget = limits.max_archive_bytes
        self._stack = ExitStack()

    def close(self) -> None:
        self._stack.close()

    def expand(self, entry: Entry, depth: int = 1) -> Iterator[Entry | Skip]:
        if depth > self.limits.max_depth:
            yield Skip(
                entry.uri, entry.path, "zip_bomb", f"archives nested deeper than {self.limits.max_depth}"
            )
            return
        try:
            fh = self._stack.enter_context(entry.open())
            zf = self._stack.enter_context(zipfile.ZipFile(fh))
            self.budget -= check_zip(zf, self.limits, self.budget)
        except Rejected as err:
            yield Skip(entry.uri, entry.path, err.reason, err.detail, entry.size)
            return
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as err:
            yield Skip(
                entry.uri, entry.path, "corrupt", f"unreadable zip archive ({type(err).__name__})", entry.size
            )
            return
        for info in zf.infolist():
            if info.is_dir():
                continue
            uri = f"{entry.uri}!/{info.filename}"
            path = f"{entry.path}!/{info.filename}"
            skip = member_problem(info, self.limits)
            if skip:
                yield Skip(uri, path, skip[0], skip[1], info.file_size)
                continue
            member = Entry(
                uri=uri,
                path=path,
                size=info.file_size,
                opener=_member_opener(zf, info),
                provenance=dict(entry.provenance),
                in_archive=True,
            )
            if member.suffix in ARCHIVE_SUFFIXES:
                yield from self._nested(member, depth)
            else:
                yield member

    def _nested(self, member: Entry, depth: int) -> Iterator[Entry | Skip]:
        # An inner zip needs random access, so it is read into memory (within the limits).
        try:
            data = member.read()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
            yield Skip(
                member.uri, member.path, "corrupt", f"unreadable archive member ({type(err).__name__})"
            )
            return
        inner = Entry(
            uri=member.uri,
            path=member.path,
            size=len(data),
            opener=lambda: io.BytesIO(data),
            provenance=member.provenance,
            in_archive=True,
        )
        yield from self.expand(inner, depth + 1)


def _member_opener(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    return lambda: zf.open(info)
