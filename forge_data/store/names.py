"""Which branch names, tag names and object paths a store accepts.

Both backends check with these functions before touching anything, so a name
that one backend would take and the other refuse fails the same way on both.
The rules are lakeFS's own (branch ids ``^\\w[-\\w]*$``) narrowed where a git
tree cannot hold a path: no empty, ``.``, ``..`` or ``.git`` segments, no NUL
or newline.
"""

from __future__ import annotations

import re

from forge_data.store.base import InvalidName

_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,254}")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}")


def check_branch(name: str) -> str:
    if not isinstance(name, str) or not _BRANCH.fullmatch(name):
        raise InvalidName(f"invalid branch name {name!r}: use letters, digits, '_' and '-'")
    return name


def check_tag(name: str) -> str:
    if not isinstance(name, str) or not _TAG.fullmatch(name) or ".." in name or name.endswith((".", ".lock")):
        raise InvalidName(f"invalid tag name {name!r}: use letters, digits, '_', '-' and single dots")
    return name


def check_path(path: str) -> str:
    if not isinstance(path, str) or not path:
        raise InvalidName("object path must be a non-empty string")
    if "\0" in path or "\n" in path:
        raise InvalidName("object path must not contain NUL or newline characters")
    for segment in path.split("/"):
        if segment in ("", ".", "..") or segment.lower() == ".git":
            raise InvalidName(
                f"invalid object path {path!r}: no leading, trailing or doubled '/', "
                "and no '.', '..' or '.git' segments"
            )
    return path


def check_metadata(metadata: dict[str, str] | None) -> dict[str, str]:
    """Commit metadata as lakeFS takes it: a flat mapping of strings."""
    if metadata is None:
        return {}
    bad = [k for k, v in metadata.items() if not isinstance(k, str) or not isinstance(v, str)]
    if bad:
        raise InvalidName(f"commit metadata keys and values must be strings; not so for keys {bad!r}")
    return dict(metadata)
