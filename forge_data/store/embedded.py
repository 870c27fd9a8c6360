"""A version store for one machine and no server, with lakeFS semantics, built on git itself.

On disk, under the store's folder::

    repo.git/                 a bare git repository: blobs, trees, commits;
                              refs/heads/<branch>, refs/tags/<tag>; reflogs of every ref move
    staging/<branch>/<base>.index
                              the branch's uncommitted writes: a git index file holding the
                              branch's whole tree as of commit <base> plus staged writes
    locks/heads/<branch>, locks/tags/<tag>
                              flock files serialising writers of one branch or tag
    tmp/                      scratch index files of merges and reverts in progress

How it stays consistent when a process is killed at any point:

- Objects are content addressed and written before anything refers to them.
- A branch moves only by a compare-and-swap of its ref (``update-ref`` with the
  old value), after the commit it points to is complete; so a reader sees the
  old commit or the new one, never a mix.
- Staging is one index file that git replaces atomically; its name records the
  commit it was built on. A commit that moved the branch but was killed before
  dropping its staging leaves an index whose tree equals the new head; the next
  writer of that branch recognises and drops it.
- Writers of a branch hold its flock (released by the kernel when they die) and
  pass it to their git children; whoever holds it may remove git ``*.lock``
  files of that branch, since their owners must be dead.
- Scratch files carry their creator's pid and are removed once it is gone.

Two processes writing to different branches never wait for each other; two
writing to the same branch take turns, and a merge holds the destination's lock.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

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
from forge_data.store.checkpoints import reach
from forge_data.store.gitrepo import EMPTY_TREE, REPO_CONFIG, ZERO, Git
from forge_data.store.locks import FileLock
from forge_data.store.names import check_branch, check_metadata, check_path, check_tag

T = TypeVar("T")
_COMMIT_ID = re.compile(r"[0-9a-f]{4,64}")
_SCRATCH = re.compile(r"^[a-z.]+-(\d+)-[0-9a-f]+")
_MERGE_ATTEMPTS = 5


class EmbeddedStore(VersionStore):
    def __init__(
        self, path: Path, main: str = "main", *, committer: str = "forge", lock_timeout_s: float = 600.0
    ) -> None:
        self.root = Path(path)
        self.main = check_branch(main)
        self.lock_timeout_s = lock_timeout_s
        self._repo = self.root / "repo.git"
        self._staging = self.root / "staging"
        self._locks = self.root / "locks"
        self._tmp = self.root / "tmp"
        self._git = Git(self._repo, committer)
        self._open()

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.root)!r})"

    # -- set-up ------------------------------------------------------------------------------

    def _open(self) -> None:
        for folder in (self.root, self._staging, self._locks, self._tmp):
            folder.mkdir(parents=True, exist_ok=True)
        self._remove_orphaned_scratch()
        if not (self._repo / "HEAD").is_file():
            self._create_repository()
        if self._git.ref(f"refs/heads/{self.main}") is None:
            with self._branch_lock(self.main):
                if self._git.ref(f"refs/heads/{self.main}") is None:
                    root = self._git.commit_tree(EMPTY_TREE, [], "Repository created", {})
                    self._git.update_ref(f"refs/heads/{self.main}", root, ZERO, "init")

    def _create_repository(self) -> None:
        # Built aside and renamed into place, so a half-initialised repository is never seen.
        scratch = self.root / f".init-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        scratch.mkdir()
        git = Git(scratch)
        git.run("init", "--bare", "--quiet", "--template=")
        for key, value in REPO_CONFIG.items():
            git.run("config", key, value)
        git.run("symbolic-ref", "HEAD", f"refs/heads/{self.main}")
        git.run("mktree", input=b"")  # the empty tree, so that the first commit is complete on disk
        try:
            os.rename(scratch, self._repo)
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)  # another process created it first
            if not (self._repo / "HEAD").is_file():
                raise

    def _remove_orphaned_scratch(self) -> None:
        for entry in [*self._tmp.iterdir(), *self.root.glob(".init-*")]:
            match = _SCRATCH.match(entry.name.lstrip("."))
            if match and not _alive(int(match.group(1))):
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)

    # -- locks and refs ----------------------------------------------------------------------

    @contextmanager
    def _lock(self, kind: str, name: str) -> Iterator[None]:
        with FileLock(self._locks / kind / name, self.lock_timeout_s) as lock:
            assert lock.fd is not None
            with self._git.holding(lock.fd):
                yield

    @contextmanager
    def _branch_lock(self, branch: str) -> Iterator[None]:
        with self._lock("heads", branch):
            # Holding the flock means no live process is inside git for this branch.
            (self._repo / "refs" / "heads" / f"{branch}.lock").unlink(missing_ok=True)
            if branch == self.main:
                # HEAD names main, so git locks HEAD too (for its reflog) whenever main moves.
                (self._repo / "HEAD.lock").unlink(missing_ok=True)
            for stale in (self._staging / branch).glob("*.lock"):
                stale.unlink(missing_ok=True)
            yield

    def _head(self, branch: str) -> str:
        head = self._git.ref(f"refs/heads/{check_branch(branch)}")
        if head is None:
            raise NotFound(f"no branch {branch!r}")
        return head

    def _resolve_ref(self, ref: str) -> tuple[str, str | None]:
        """The commit ``ref`` names, and the branch name if it is a branch."""
        if isinstance(ref, str) and ref:
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]*", ref):
                head = self._git.ref(f"refs/heads/{ref}")
                if head is not None:
                    return head, ref
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", ref) and ".." not in ref:
                tagged = self._git.resolve(f"refs/tags/{ref}")  # peels a tag made by hand with `git tag -a`
                if tagged is not None:
                    return tagged, None
            if _COMMIT_ID.fullmatch(ref):
                commit = self._git.resolve(ref)
                if commit is not None:
                    return commit, None
        raise NotFound(f"no branch, tag or commit {ref!r}")

    def _resolve(self, ref: str) -> str:
        return self._resolve_ref(ref)[0]

    # -- staging -----------------------------------------------------------------------------

    def _index_path(self, branch: str, base: str) -> Path:
        return self._staging / branch / f"{base}.index"

    def _settled_index(self, branch: str, head: str) -> Path | None:
        """Under the branch lock: the branch's staging index, once leftovers of a killed commit are gone."""
        found = None
        for index in sorted((self._staging / branch).glob("*.index")):
            base = index.name.removesuffix(".index")
            if base == head:
                found = index
            elif self._git.write_tree(index) == self._git.tree_of(head):
                index.unlink()  # its commit moved the branch; the process died before dropping it
            else:
                raise StoreError(
                    f"staging of branch {branch!r} was built on commit {base[:12]} but the branch is at"
                    f" {head[:12]}; left in place under {index.parent} (reset the branch to drop it)"
                )
        return found

    def _start_staging(self, branch: str, head: str) -> Path:
        index = self._index_path(branch, head)
        index.parent.mkdir(parents=True, exist_ok=True)
        self._git.read_tree(index, head)
        return index

    def _refuse_dirty(self, branch: str, head: str) -> None:
        index = self._settled_index(branch, head)
        if index is not None and self._git.diff_index(index, head):
            raise DirtyBranch(f"branch {branch!r} has uncommitted changes (dirty branch)")

    def _at_ref(self, ref: str, read: Callable[[str, Path | None], T]) -> T:
        """Run ``read(commit, staging index or None)`` on a consistent view of ``ref``.

        Readers take no lock: if a commit or reset changed the branch meanwhile,
        the read is simply done again on the new state.
        """
        for _ in range(20):
            commit, branch = self._resolve_ref(ref)
            index = None
            if branch is not None:
                candidate = self._index_path(branch, commit)
                index = candidate if candidate.is_file() else None
            result = read(commit, index)
            if index is not None and not index.is_file():
                continue
            if branch is not None and self._git.ref(f"refs/heads/{branch}") != commit:
                continue
            return result
        raise StoreError(f"{ref!r} kept changing while being read; try again")

    # -- branches and tags -------------------------------------------------------------------

    def create_branch(self, name: str, source: str = "main", *, exist_ok: bool = False) -> Commit:
        check_branch(name)
        with self._branch_lock(name):
            existing = self._git.ref(f"refs/heads/{name}")
            if existing is not None:
                if exist_ok:
                    return self._commit(existing)
                raise Conflict(f"branch {name!r} already exists")
            start = self._resolve(source)
            shutil.rmtree(self._staging / name, ignore_errors=True)
            self._git.update_ref(f"refs/heads/{name}", start, ZERO, "branch")
        return self._commit(start)

    def delete_branch(self, name: str) -> None:
        check_branch(name)
        if name == self.main:
            raise StoreError(f"cannot delete the main branch {name!r}")
        with self._branch_lock(name):
            head = self._head(name)
            shutil.rmtree(self._staging / name, ignore_errors=True)
            self._git.update_ref(f"refs/heads/{name}", ZERO, head, "branch")

    def list_branches(self) -> list[str]:
        return sorted(self._git.refs("refs/heads/"))

    def create_tag(self, name: str, ref: str) -> Commit:
        check_tag(name)
        with self._lock("tags", name):
            (self._repo / "refs" / "tags" / f"{name}.lock").unlink(missing_ok=True)
            if self._git.ref(f"refs/tags/{name}") is not None:
                raise Conflict(f"tag {name!r} already exists")
            commit = self._resolve(ref)
            self._git.update_ref(f"refs/tags/{name}", commit, ZERO, "tag")
        return self._commit(commit)

    def list_tags(self) -> dict[str, str]:
        return dict(sorted(self._git.refs("refs/tags/").items()))

    # -- objects -----------------------------------------------------------------------------

    def write(self, branch: str, path: str, data: bytes) -> ObjectInfo:
        check_path(path)
        self._head(branch)
        view = memoryview(data)
        if view.format != "B" or view.ndim != 1:
            view = view.cast("B")
        # Hashing needs no lock: blobs are content addressed and unreferenced until staged.
        blob = self._git.hash_blob(view)
        with self._branch_lock(branch):
            head = self._head(branch)
            index = self._settled_index(branch, head) or self._start_staging(branch, head)
            reach("write:indexing")
            if not self._git.add_to_index(index, path, blob):
                raise StoreError(
                    f"cannot write {path!r} on branch {branch!r}: it clashes with an object that is a"
                    " parent folder or a child of that path (the embedded store keeps a git tree)"
                )
        return ObjectInfo(path=path, size_bytes=len(view), checksum=blob)

    def delete(self, branch: str, path: str) -> None:
        check_path(path)
        with self._branch_lock(branch):
            head = self._head(branch)
            index = self._settled_index(branch, head) or self._start_staging(branch, head)
            if path not in self._git.ls_index(index, path):
                raise NotFound(f"no object {path!r} on branch {branch!r}")
            self._git.update_index(index, {path: None})

    def read(self, ref: str, path: str) -> bytes:
        check_path(path)

        def read(commit: str, index: Path | None) -> bytes | None:
            if index is not None:
                return self._git.read_blob(f":0:{path}", index=index)
            return self._git.read_blob(f"{commit}:{path}")

        data = self._at_ref(ref, read)
        if data is None:
            raise NotFound(f"no object {path!r} at {ref!r}")
        return data

    def list(self, ref: str, prefix: str = "") -> list[ObjectInfo]:
        under = prefix.rpartition("/")[0]

        def listing(commit: str, index: Path | None) -> list[ObjectInfo]:
            if index is None:
                return [ObjectInfo(e.path, e.size, e.blob) for e in self._git.ls_tree(commit, under)]
            staged = self._git.ls_index(index, under)
            sizes = self._git.sizes(staged.values())
            return [ObjectInfo(path, sizes[blob], blob) for path, blob in staged.items()]

        found = self._at_ref(ref, listing)
        return sorted((o for o in found if o.path.startswith(prefix)), key=lambda o: o.path)

    def uncommitted(self, branch: str, prefix: str = "") -> list[Change]:
        self._head(branch)
        under = prefix.rpartition("/")[0]

        def staged(commit: str, index: Path | None) -> list[Change]:
            if index is None:
                return []
            changes = self._git.diff_index(index, commit, under)
            return [Change(path, kind) for path, (kind, _) in changes.items()]  # type: ignore[arg-type]

        changes = self._at_ref(branch, staged)
        return sorted((c for c in changes if c.path.startswith(prefix)), key=lambda c: c.path)

    def has_uncommitted(self, branch: str) -> bool:
        return bool(self.uncommitted(branch))

    def reset(self, branch: str) -> None:
        with self._branch_lock(branch):
            self._head(branch)
            shutil.rmtree(self._staging / branch, ignore_errors=True)

    # -- history -----------------------------------------------------------------------------

    def commit(self, branch: str, message: str, metadata: dict[str, str] | None = None) -> Commit:
        meta = check_metadata(metadata)
        with self._branch_lock(branch):
            head = self._head(branch)
            index = self._settled_index(branch, head)
            tree = self._git.write_tree(index) if index is not None else None
            if tree is None or tree == self._git.tree_of(head):
                if index is not None:
                    index.unlink()
                raise NoChanges(f"no uncommitted changes on branch {branch!r}")
            reach("commit:tree")
            commit = self._git.commit_tree(tree, [head], message, meta)
            reach("commit:object")
            self._git.update_ref(f"refs/heads/{branch}", commit, head, "commit")
            reach("commit:ref-moved")
            index.unlink()
        return self._commit(commit)

    def get_commit(self, ref: str) -> Commit:
        return self._commit(self._resolve(ref))

    def _commit(self, commit: str) -> Commit:
        return self._git.log(commit, 1)[0]

    def log(self, ref: str, limit: int = 50) -> list[Commit]:
        return self._git.log(self._resolve(ref), limit)

    def diff(self, left: str, right: str, prefix: str = "") -> list[Change]:
        changes = self._git.diff_trees(self._resolve(left), self._resolve(right), prefix.rpartition("/")[0])
        return [
            Change(path, kind)  # type: ignore[arg-type]
            for path, (kind, _) in sorted(changes.items())
            if path.startswith(prefix)
        ]

    def merge(
        self,
        source: str,
        destination: str,
        message: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> Commit:
        meta = check_metadata(metadata)
        with self._branch_lock(destination):
            for _ in range(_MERGE_ATTEMPTS):
                dest = self._head(destination)
                self._refuse_dirty(destination, dest)
                src = self._resolve(source)
                base = self._git.merge_base(dest, src)
                if base is None:
                    raise StoreError(f"{source!r} and {destination!r} share no history")
                incoming = self._git.diff_trees(base, src)
                if not incoming:
                    raise NoChanges(f"nothing to merge from {source!r} into {destination!r}")
                if base == dest:
                    tree = self._git.tree_of(src)
                else:
                    ours = self._git.diff_trees(base, dest)
                    _refuse_clashes(incoming, ours, f"merge of {source!r} into {destination!r}")
                    tree = self._apply(dest, incoming)
                reach("merge:tree")
                text = message if message is not None else f"Merge '{source}' into '{destination}'"
                commit = self._git.commit_tree(tree, [dest, src], text, meta)
                reach("merge:object")
                try:
                    self._git.update_ref(f"refs/heads/{destination}", commit, dest, "merge")
                except Conflict:
                    continue  # the destination moved between reading and swapping: merge again
                reach("merge:ref-moved")
                return self._commit(commit)
        raise Conflict(f"{destination!r} kept moving; merge of {source!r} not done")

    def revert(self, branch: str, commit_id: str, metadata: dict[str, str] | None = None) -> Commit:
        meta = check_metadata(metadata)
        with self._branch_lock(branch):
            head = self._head(branch)
            self._refuse_dirty(branch, head)
            target = self._commit(self._resolve(commit_id))
            if not target.parents:
                raise StoreError("cannot revert the first commit of the repository")
            undo = self._git.diff_trees(target.id, target.parents[0])
            since = self._git.diff_trees(target.id, head)
            _refuse_clashes(undo, since, f"revert of {target.id[:12]} on {branch!r}")
            tree = self._apply(head, undo) if undo else self._git.tree_of(head)
            if tree == self._git.tree_of(head):
                raise NoChanges(f"reverting {target.id[:12]} would not change branch {branch!r}")
            commit = self._git.commit_tree(tree, [head], f"Revert {target.id}", meta)
            self._git.update_ref(f"refs/heads/{branch}", commit, head, "revert")
        return self._commit(commit)

    def _apply(self, commit: str, changes: dict[str, tuple[str, str | None]]) -> str:
        """The tree of ``commit`` with ``changes`` applied, built in a scratch index."""
        scratch = self._tmp / f"apply-{os.getpid()}-{uuid.uuid4().hex[:12]}.index"
        try:
            self._git.read_tree(scratch, commit)
            paths = set(self._git.ls_index(scratch))
            for path, (_, blob) in changes.items():
                if blob is None:
                    paths.discard(path)
                else:
                    paths.add(path)
            clashes = _file_folder_clashes(paths)
            if clashes:
                raise Conflict(
                    f"result would hold {clashes[0]!r} both as an object and as a folder of objects,"
                    " which the embedded store cannot represent"
                )
            self._git.update_index(scratch, {path: blob for path, (_, blob) in changes.items()})
            reach("apply:scratch")
            return self._git.write_tree(scratch)
        finally:
            scratch.unlink(missing_ok=True)


def _refuse_clashes(
    incoming: dict[str, tuple[str, str | None]], ours: dict[str, tuple[str, str | None]], what: str
) -> None:
    """A path changed on both sides to different contents is a conflict (lakeFS's rule)."""
    clashes = sorted(p for p, (_, blob) in incoming.items() if p in ours and ours[p][1] != blob)
    if clashes:
        raise Conflict(f"{what}: {len(clashes)} path(s) changed on both sides, e.g. {clashes[:3]}")


def _file_folder_clashes(paths: set[str]) -> list[str]:
    folders = {path[:i] for path in paths for i, ch in enumerate(path) if ch == "/"}
    return sorted(paths & folders)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
