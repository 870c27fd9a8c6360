"""Where a source lives, and which of its paths the include/exclude globs select."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from forge_data.ingest.errors import IngestError


def resolve_source_path(path: str, base_dir: Path) -> Path:
    """A source path or ``file://`` URL made absolute against ``base_dir``."""
    if "://" in path:
        url = urlparse(path)
        if url.scheme != "file":
            raise IngestError(f"{path}: only local paths and file:// URLs can be ingested")
        path = unquote(url.path)
    p = Path(path).expanduser()
    p = p if p.is_absolute() else Path(base_dir) / p
    return Path(p.absolute())


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    # gitignore-like: "*" stays inside one folder, "**" crosses folders, and a
    # pattern without "/" matches a name at any depth.
    # A trailing "/" names a folder: it selects what lies below, never a file of that name.
    folder_only = pattern.endswith("/")
    pattern = pattern.rstrip("/")
    if "/" not in pattern:
        pattern = "**/" + pattern
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out).lstrip("/")
    # A pattern naming a folder selects everything below it.
    return re.compile(f"{body}/.*" if folder_only else f"{body}(?:/.*)?")


def glob_match(path: str, pattern: str) -> bool:
    return _glob_regex(pattern).fullmatch(path.lstrip("/")) is not None


def selected(path: str, include: list[str], exclude: list[str]) -> bool:
    if include and not any(glob_match(path, p) for p in include):
        return False
    return not any(glob_match(path, p) for p in exclude)
