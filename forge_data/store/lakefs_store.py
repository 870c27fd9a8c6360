"""The version store on a lakeFS server, through the maintained ``lakefs`` SDK (0.16).

Credentials are passed in by the caller (``factory.open_store`` reads them from
the environment); they are never logged or put in an error message. Every call
to lakeFS goes through :func:`translate_error`, so callers see the same
:class:`NotFound` / :class:`Conflict` / :class:`NoChanges` / :class:`DirtyBranch`
/ :class:`StoreError` as from the embedded store.

Not run against a server in this project's CI (none can be installed there);
``docs/lakefs.md`` says how to run the contract suite against one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import lakefs
import lakefs_sdk
import urllib3
from lakefs.exceptions import ConflictException, LakeFSException, NotFoundException
from lakefs.reference import generate_listing

from forge_data.store.base import (
    Change,
    Commit,
    Conflict,
    DirtyBranch,
    NoChanges,
    NotFound,
    ObjectInfo,
    StoreError,
    VersionStore,
)
from forge_data.store.names import check_branch, check_metadata, check_path, check_tag


def translate_error(exc: BaseException, what: str) -> StoreError:
    """The store error for an exception raised by the lakeFS SDK while doing ``what``."""
    if isinstance(exc, LakeFSException):
        status = getattr(exc, "status_code", None)
        message = _server_message(getattr(exc, "body", None)) or str(getattr(exc, "reason", "") or "")
    elif isinstance(exc, lakefs_sdk.ApiException):
        status, message = exc.status, _server_message(exc.body) or str(exc.reason or "")
    else:
        return StoreError(f"{what}: {type(exc).__name__}")
    text = f"{what}: lakeFS answered {status}: {message}".rstrip(": ")
    lowered = message.lower()
    if status == 404 or isinstance(exc, NotFoundException):
        return NotFound(text)
    if status == 409 or isinstance(exc, ConflictException):
        return Conflict(text)
    if status == 400 and ("no changes" in lowered or "no difference" in lowered):
        return NoChanges(text)
    if status == 400 and "dirty branch" in lowered:
        return DirtyBranch(text)
    return StoreError(text)


def _server_message(body: object) -> str:
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body)
        except ValueError:
            return ""
    if isinstance(body, dict):
        return str(body.get("message", ""))
    return ""


def _commit(c: lakefs.Commit) -> Commit:
    return Commit(
        id=c.id,
        message=c.message,
        metadata=dict(c.metadata or {}),
        parents=tuple(c.parents or ()),
        created_at=datetime.fromtimestamp(c.creation_date, UTC),
        committer=c.committer or "",
    )


class LakeFSStore(VersionStore):
    def __init__(
        self,
        repository: str,
        endpoint: str,
        access_key_id: str,
        secret_access_key: str,
        storage_namespace: str | None = None,
        main: str = "main",
    ) -> None:
        self.main = check_branch(main)
        self.endpoint = endpoint
        self._client = lakefs.Client(host=endpoint, username=access_key_id, password=secret_access_key)
        self._repo = lakefs.Repository(repository, client=self._client)
        with self._errors(f"open repository {repository!r}"):
            if storage_namespace:
                self._repo.create(storage_namespace=storage_namespace, default_branch=main, exist_ok=True)
            self._repo.properties  # noqa: B018 - fetched to fail here, not on first use, when it is missing

    def __repr__(self) -> str:
        return f"LakeFSStore({self._repo.id!r} at {self.endpoint!r})"

    @property
    def repository(self) -> str:
        return self._repo.id

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except (LakeFSException, lakefs_sdk.ApiException) as exc:
            raise translate_error(exc, what) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise StoreError(
                f"{what}: cannot reach lakeFS at {self.endpoint} ({type(exc).__name__})"
            ) from exc

    # -- branches and tags -------------------------------------------------------------------

    def create_branch(self, name: str, source: str = "main", *, exist_ok: bool = False) -> Commit:
        check_branch(name)
        with self._errors(f"create branch {name!r} from {source!r}"):
            self._repo.branch(name).create(source_reference=source, exist_ok=exist_ok)
        return self.get_commit(name)

    def delete_branch(self, name: str) -> None:
        check_branch(name)
        if name == self.main:
            raise StoreError(f"cannot delete the main branch {name!r}")
        with self._errors(f"delete branch {name!r}"):
            self._repo.branch(name).delete()

    def list_branches(self) -> list[str]:
        with self._errors("list branches"):
            return sorted(b.id for b in self._repo.branches())

    def create_tag(self, name: str, ref: str) -> Commit:
        check_tag(name)
        with self._errors(f"create tag {name!r} on {ref!r}"):
            self._repo.tag(name).create(source_ref=ref)
        return self.get_commit(name)

    def list_tags(self) -> dict[str, str]:
        with self._errors("list tags"):
            listing = generate_listing(self._client.sdk_client.tags_api.list_tags, self._repo.id)
            return dict(sorted((t.id, t.commit_id) for t in listing))

    # -- objects -----------------------------------------------------------------------------

    def write(self, branch: str, path: str, data: bytes) -> ObjectInfo:
        check_branch(branch)
        check_path(path)
        payload = data if isinstance(data, bytes) else bytes(memoryview(data))
        with self._errors(f"write {path!r} on branch {branch!r}"):
            obj = self._repo.branch(branch).object(path)
            obj.upload(data=payload, mode="wb")
            stat = obj.stat()
        return ObjectInfo(path=path, size_bytes=stat.size_bytes or len(payload), checksum=stat.checksum)

    def delete(self, branch: str, path: str) -> None:
        check_branch(branch)
        check_path(path)
        with self._errors(f"delete {path!r} on branch {branch!r}"):
            self._repo.branch(branch).object(path).delete()

    def read(self, ref: str, path: str) -> bytes:
        check_path(path)
        with self._errors(f"read {path!r} at {ref!r}"):
            with self._repo.ref(ref).object(path).reader(mode="rb") as reader:
                return reader.read()

    def list(self, ref: str, prefix: str = "") -> list[ObjectInfo]:
        with self._errors(f"list {prefix!r} at {ref!r}"):
            found = self._repo.ref(ref).objects(prefix=prefix or None)
            return [ObjectInfo(o.path, o.size_bytes or 0, o.checksum) for o in found]

    def uncommitted(self, branch: str, prefix: str = "") -> list[Change]:
        check_branch(branch)
        with self._errors(f"list uncommitted changes of {branch!r}"):
            changes = self._repo.branch(branch).uncommitted(prefix=prefix or None)
            return [Change(c.path, c.type) for c in changes if c.path_type == "object"]  # type: ignore[arg-type]

    def has_uncommitted(self, branch: str) -> bool:
        check_branch(branch)
        with self._errors(f"look for uncommitted changes on {branch!r}"):
            return any(True for _ in self._repo.branch(branch).uncommitted(max_amount=1))

    def reset(self, branch: str) -> None:
        check_branch(branch)
        with self._errors(f"reset branch {branch!r}"):
            self._repo.branch(branch).reset_changes(path_type="reset")

    # -- history -----------------------------------------------------------------------------

    def commit(self, branch: str, message: str, metadata: dict[str, str] | None = None) -> Commit:
        check_branch(branch)
        meta = check_metadata(metadata)
        with self._errors(f"commit on branch {branch!r}"):
            ref = self._repo.branch(branch).commit(message=message, metadata=meta)
            return _commit(ref.get_commit())

    def get_commit(self, ref: str) -> Commit:
        with self._errors(f"get commit {ref!r}"):
            return _commit(self._repo.ref(ref).get_commit())

    def log(self, ref: str, limit: int = 50) -> list[Commit]:
        with self._errors(f"log of {ref!r}"):
            return [_commit(c) for c in self._repo.ref(ref).log(max_amount=limit)]

    def merge(
        self,
        source: str,
        destination: str,
        message: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> Commit:
        check_branch(destination)
        options: dict[str, object] = {"metadata": check_metadata(metadata)}
        if message is not None:
            options["message"] = message
        what = f"merge {source!r} into {destination!r}"
        if self.get_commit(source).id == self.get_commit(destination).id:
            # lakeFS refuses this as "same branch", not "no changes"; answer as for any empty merge.
            raise NoChanges(f"{what}: both point to the same commit")
        with self._errors(what):
            commit_id = self._repo.ref(source).merge_into(destination, **options)
        return self.get_commit(commit_id)

    def revert(self, branch: str, commit_id: str, metadata: dict[str, str] | None = None) -> Commit:
        check_branch(branch)
        meta = check_metadata(metadata)
        target = self.get_commit(commit_id)
        if not target.parents:
            raise StoreError("cannot revert the first commit of the repository")
        revert = lakefs_sdk.RevertCreation(
            ref=target.id,
            # A merge commit is undone against its first parent: the destination before the merge.
            parent_number=1 if len(target.parents) > 1 else 0,
            commit_overrides=lakefs_sdk.CommitOverrides(metadata=meta) if meta else None,
        )
        with self._errors(f"revert {target.id[:12]} on {branch!r}"):
            self._client.sdk_client.branches_api.revert_branch(self._repo.id, branch, revert)
        return self.get_commit(branch)

    def diff(self, left: str, right: str, prefix: str = "") -> list[Change]:
        with self._errors(f"diff {left!r}..{right!r}"):
            changes = self._repo.ref(left).diff(right, prefix=prefix or None, type="two_dot")
            return [Change(c.path, c.type) for c in changes if c.path_type == "object"]  # type: ignore[arg-type]
