"""The version-store interface: lakeFS semantics, implemented by lakeFS and by an embedded store.

A *ref* is a branch name, a tag name or a commit id. Writes go to a branch's
staging area and become visible to other refs only through :meth:`commit`;
:meth:`merge` moves the destination branch atomically or not at all, which is
what write-audit-publish relies on.

Semantics both backends keep (the contract suite checks them):

- reading or listing a *branch* sees its staged writes; a tag or commit id sees
  only committed data; :meth:`diff` and :meth:`merge` work on committed data
  (a branch stands for its head commit), :meth:`uncommitted` shows the staging.
- :meth:`merge` is a three-way merge by whole objects: a path changed on both
  sides to different contents is a :class:`Conflict` and the destination is left
  as it was. It always records a merge commit with the destination head as first
  parent and the source commit as second, even when the destination had not
  moved. Nothing new on the source raises :class:`NoChanges`; a destination with
  staged writes raises :class:`DirtyBranch`.
- :meth:`commit` with nothing staged raises :class:`NoChanges`.
- :meth:`revert` undoes one commit with a new commit; a merge commit is undone
  relative to its first parent, i.e. the publish it recorded is taken back.
- metadata keys and values are strings.
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


class NoChanges(StoreError):
    """A commit, merge or revert would change nothing (lakeFS answers "no changes" here too)."""


class DirtyBranch(StoreError):
    """The branch has uncommitted writes, so a merge into it or a revert on it is refused (as in lakeFS)."""


class InvalidName(StoreError, ValueError):
    """A branch, tag or object path that neither backend accepts; raised before anything is touched."""


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
    def uncommitted(self, branch: str, prefix: str = "") -> list[Change]:
        """The branch's staged changes against its head commit (what :meth:`commit` would record)."""

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
