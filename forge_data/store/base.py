"""The version-store interface: lakeFS semantics, implemented by lakeFS and by an embedded store.

A *ref* is a branch name, a tag name or a commit id. Writes go to a branch's
staging area and become visible to other refs only through :meth:`commit`;
:meth:`merge` moves the destination branch atomically or not at all, which is
what write-audit-publish relies on.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


class StoreError(RuntimeError):
    """A version-store operation failed; the message says which and why."""


class NotFound(StoreError):
    pass


class Conflict(StoreError):
    """A merge, or a ref update, met a concurrent change it cannot reconcile."""


@dataclass(frozen=True)
class Commit:
    id: str
    message: str
    metadata: dict[str, str]
    parents: tuple[str, ...]
    created_at: datetime
    committer: str = ""


@dataclass(frozen=True)
class Change:
    path: str
    type: Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class ObjectInfo:
    path: str
    size_bytes: int
    checksum: str = ""


@dataclass
class MergeResult:
    commit: Commit
    changes: list[Change] = field(default_factory=list)


class VersionStore(abc.ABC):
    main: str = "main"

    # branches and tags
    @abc.abstractmethod
    def create_branch(self, name: str, source: str = "main", *, exist_ok: bool = False) -> Commit: ...

    @abc.abstractmethod
    def delete_branch(self, name: str) -> None: ...

    @abc.abstractmethod
    def list_branches(self) -> list[str]: ...

    @abc.abstractmethod
    def create_tag(self, name: str, ref: str) -> Commit: ...

    @abc.abstractmethod
    def list_tags(self) -> dict[str, str]: ...

    # objects
    @abc.abstractmethod
    def write(self, branch: str, path: str, data: bytes) -> ObjectInfo: ...

    @abc.abstractmethod
    def delete(self, branch: str, path: str) -> None: ...

    @abc.abstractmethod
    def read(self, ref: str, path: str) -> bytes: ...

    @abc.abstractmethod
    def list(self, ref: str, prefix: str = "") -> list[ObjectInfo]: ...

    @abc.abstractmethod
    def has_uncommitted(self, branch: str) -> bool: ...

    @abc.abstractmethod
    def reset(self, branch: str) -> None:
        """Drop the branch's uncommitted writes."""

    # history
    @abc.abstractmethod
    def commit(self, branch: str, message: str, metadata: dict[str, str] | None = None) -> Commit: ...

    @abc.abstractmethod
    def get_commit(self, ref: str) -> Commit: ...

    @abc.abstractmethod
    def log(self, ref: str, limit: int = 50) -> list[Commit]: ...

    @abc.abstractmethod
    def merge(
        self,
        source: str,
        destination: str,
        message: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> Commit: ...

    @abc.abstractmethod
    def revert(self, branch: str, commit_id: str, metadata: dict[str, str] | None = None) -> Commit: ...

    @abc.abstractmethod
    def diff(self, left: str, right: str, prefix: str = "") -> list[Change]: ...

    # conveniences shared by every backend
    def exists(self, ref: str, path: str) -> bool:
        try:
            self.read(ref, path)
        except NotFound:
            return False
        return True

    def head(self, ref: str) -> str:
        return self.get_commit(ref).id
