"""The git plumbing the embedded store is built on, run through the ``git`` command.

Every call runs against one bare repository with a scrubbed environment: no
system or global config, no hooks, no prompts, no filters or line-ending
conversion, literal pathspecs, and author/committer set explicitly. Nothing
here ever touches a working tree. Objects go in with ``hash-object --stdin``
(streamed) and come out with ``cat-file --batch`` (read once); refs move only
through ``update-ref --stdin`` transactions with the expected old value, so a
ref never moves from a value its writer did not see.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from forge_data.store import checkpoints
from forge_data.store.base import Commit, Conflict, StoreError

ZERO = "0" * 40
_SHA = re.compile(r"[0-9a-f]{40}")
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
FILE_MODE = "100644"
_CHUNK = 1 << 20
_METADATA_TRAILER = "\n\nForge-Metadata: "
_SAFETY = ("-c", "core.hooksPath=/dev/null", "-c", "core.autocrlf=false", "-c", "gc.auto=0")
# Written into the repository's own config, so a person who runs `git gc` there by hand
# cannot prune blobs that only a staging index refers to.
REPO_CONFIG = {
    "gc.auto": "0",
    "gc.pruneExpire": "never",
    "core.hooksPath": "/dev/null",
    "core.autocrlf": "false",
    "core.logAllRefUpdates": "always",
    "core.fsync": "committed,index",
}


class GitError(StoreError):
    def __init__(self, args: Iterable[str], returncode: int, stderr: bytes) -> None:
        self.returncode = returncode
        self.stderr = stderr.decode("utf-8", "replace").strip()
        cmd = " ".join(list(args)[:2])
        super().__init__(f"git {cmd} failed ({returncode}): {self.stderr[-500:]}")


@dataclass(frozen=True)
class TreeEntry:
    path: str
    blob: str
    size: int


class Git:
    """Plumbing calls on one bare repository; safe to share between threads."""

    def __init__(self, git_dir: Path, committer: str = "forge") -> None:
        self.git_dir = git_dir
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        email = f"{committer}@forge.invalid"
        env.update(
            GIT_DIR=str(git_dir),
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_ATTR_NOSYSTEM="1",
            GIT_TERMINAL_PROMPT="0",
            GIT_LITERAL_PATHSPECS="1",
            GIT_OPTIONAL_LOCKS="0",
            GIT_AUTHOR_NAME=committer,
            GIT_AUTHOR_EMAIL=email,
            GIT_COMMITTER_NAME=committer,
            GIT_COMMITTER_EMAIL=email,
            LC_ALL="C",
        )
        self._env = env
        self._held = threading.local()

    # -- processes ---------------------------------------------------------------------------

    @contextmanager
    def holding(self, fd: int) -> Iterator[None]:
        """While inside, every git process started from this thread inherits the lock ``fd``."""
        fds = self._fds()
        fds.append(fd)
        try:
            yield
        finally:
            fds.remove(fd)

    def _fds(self) -> list[int]:
        if not hasattr(self._held, "fds"):
            self._held.fds = []
        return self._held.fds

    def _popen(self, args: list[str], index: Path | None) -> subprocess.Popen:
        env = self._env if index is None else {**self._env, "GIT_INDEX_FILE": str(index)}
        return subprocess.Popen(
            ["git", *_SAFETY, *args],
            env=env,
            cwd=self.git_dir,
            pass_fds=tuple(self._fds()),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def run(
        self, *args: str, input: bytes = b"", index: Path | None = None, ok: tuple[int, ...] = (0,)
    ) -> bytes:
        proc = self._popen(list(args), index)
        out, err = proc.communicate(input)
        if proc.returncode not in ok:
            raise GitError(args, proc.returncode, err)
        return out

    @staticmethod
    def _finish(proc: subprocess.Popen) -> tuple[bytes, bytes]:
        """Wait for a process whose stdin we fed by hand (its outputs are small by then)."""
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        if not proc.stdin.closed:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass
        out, err = proc.stdout.read(), proc.stderr.read()
        proc.wait()
        return out, err

    # -- objects -----------------------------------------------------------------------------

    def hash_blob(self, data: memoryview) -> str:
        """Store ``data`` as a blob, streamed in chunks, and return its id."""
        args = ["hash-object", "-w", "--no-filters", "--stdin"]
        proc = self._popen(args, None)
        assert proc.stdin is not None
        try:
            for start in range(0, max(len(data), 1), _CHUNK):
                proc.stdin.write(data[start : start + _CHUNK])
                if start == 0:
                    checkpoints.reach("write:streaming")
        except BrokenPipeError:
            pass
        out, err = self._finish(proc)
        if proc.returncode != 0:
            raise GitError(args, proc.returncode, err)
        return out.decode().strip()

    def read_blob(self, spec: str, index: Path | None = None) -> bytes | None:
        """The blob named by ``spec`` (``<commit>:<path>`` or ``:0:<path>``), or None if absent."""
        args = ["cat-file", "--batch"]
        proc = self._popen(args, index)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(spec.encode() + b"\n")
        proc.stdin.close()
        header = proc.stdout.readline().decode("utf-8", "replace").split()
        data = None
        # A found object answers "<sha> <type> <size>"; a missing one echoes the spec, which holds a ':'.
        if len(header) == 3 and ":" not in header[0] and header[1] == "blob":
            data = proc.stdout.read(int(header[2]))
        _, err = self._finish(proc)
        if proc.returncode != 0:
            raise GitError(args, proc.returncode, err)
        return data

    def sizes(self, blobs: Iterable[str]) -> dict[str, int]:
        unique = sorted(set(blobs))
        if not unique:
            return {}
        out = self.run(
            "cat-file", "--batch-check=%(objectname) %(objectsize)", input="\n".join(unique).encode()
        )
        result = {}
        for line in out.decode().splitlines():
            sha, size = line.split()
            result[sha] = int(size)
        return result

    # -- refs --------------------------------------------------------------------------------

    def resolve(self, name: str) -> str | None:
        """The commit a fully qualified ref or a commit id points to, or None."""
        out = self.run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}", ok=(0, 1)
        )
        return out.decode().strip() or None

    def ref(self, name: str) -> str | None:
        """The commit a fully qualified branch or tag ref points to, or None.

        Read straight from the loose ref file when there is one (git replaces it by
        rename, so it is never seen half written), which spares a process per call;
        git answers for refs that someone packed.
        """
        try:
            value = (self.git_dir / name).read_text().strip()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            value = ""
        return value if _SHA.fullmatch(value) else self.resolve(name)

    def refs(self, namespace: str) -> dict[str, str]:
        out = self.run("for-each-ref", "--format=%(refname)%00%(objectname)", namespace)
        result = {}
        for line in out.decode().splitlines():
            ref, sha = line.split("\0")
            result[ref[len(namespace) :]] = sha
        return result

    def update_ref(self, ref: str, new: str, old: str, op: str) -> None:
        """Move ``ref`` from ``old`` to ``new`` (ZERO: create / delete) or raise :class:`Conflict`.

        Runs as a transaction so the ref's own lock is taken ("prepare") before it
        is moved ("commit"); a process killed in between leaves the ref as it was.
        """
        verb = f"delete {ref} {old}" if new == ZERO else f"update {ref} {new} {old}"
        args = ["update-ref", "--stdin"]
        proc = self._popen(args, None)
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(f"start\n{verb}\nprepare\n".encode())
            proc.stdin.flush()
            answers = [proc.stdout.readline(), proc.stdout.readline()]
            if answers[1].strip() == b"prepare: ok":
                checkpoints.reach(f"{op}:ref-locked")
                proc.stdin.write(b"commit\n")
        except BrokenPipeError:
            pass
        _, err = self._finish(proc)
        if proc.returncode != 0:
            message = err.decode("utf-8", "replace")
            if "but expected" in message or "already exists" in message or "unable to resolve" in message:
                raise Conflict(f"{ref} moved concurrently; not updated")
            raise GitError(args, proc.returncode, err)

    # -- trees and indexes -------------------------------------------------------------------

    def ls_tree(self, tree_ish: str, under: str = "") -> list[TreeEntry]:
        args = ["ls-tree", "-r", "-l", "-z", tree_ish]
        out = self.run(*args, *(["--", under] if under else []))
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, path = record.split(b"\t", 1)
            _mode, _type, sha, size = meta.decode().split()
            entries.append(TreeEntry(path.decode("utf-8", "surrogateescape"), sha, int(size)))
        return entries

    def ls_index(self, index: Path, under: str = "") -> dict[str, str]:
        """``{path: blob}`` of an index file."""
        out = self.run("ls-files", "-s", "-z", *(["--", under] if under else []), index=index)
        entries = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, path = record.split(b"\t", 1)
            entries[path.decode("utf-8", "surrogateescape")] = meta.decode().split()[1]
        return entries

    def add_to_index(self, index: Path, path: str, blob: str) -> bool:
        """Stage one blob; False where the path clashes with a file or folder already staged."""
        proc = self._popen(["update-index", "--add", "--cacheinfo", f"{FILE_MODE},{blob},{path}"], index)
        _, err = proc.communicate()
        if proc.returncode != 0:
            if b"appears as both a file and as a directory" in err:
                return False
            raise GitError(["update-index", "--add"], proc.returncode, err)
        return True

    def update_index(self, index: Path, changes: dict[str, str | None]) -> None:
        """Apply ``{path: blob, or None to remove}`` to an index file in one call.

        ``--index-info`` replaces a file by a folder (or back) without complaint, so
        callers check for such clashes first.
        """
        body = b"".join(
            f"{FILE_MODE} {blob}\t{path}\0".encode() if blob else f"0 {ZERO}\t{path}\0".encode()
            for path, blob in changes.items()
        )
        self.run("update-index", "-z", "--index-info", input=body, index=index)

    def diff_trees(self, left: str, right: str, under: str = "") -> dict[str, tuple[str, str | None]]:
        """``{path: (added|removed|changed, blob on the right or None)}`` for every path that differs."""
        out = self.run(
            "diff-tree", "-r", "-z", "--no-renames", "--raw", left, right, *(["--", under] if under else [])
        )
        return _parse_raw(out)

    def diff_index(self, index: Path, commit: str, under: str = "") -> dict[str, tuple[str, str | None]]:
        """Like :meth:`diff_trees`, from ``commit`` to what ``index`` holds."""
        args = ["diff-index", "--cached", "-z", "--no-renames", "--raw", commit]
        out = self.run(*args, *(["--", under] if under else []), index=index)
        return _parse_raw(out)

    def tree_of(self, commit: str) -> str:
        return self.run("rev-parse", "--verify", f"{commit}^{{tree}}").decode().strip()

    def write_tree(self, index: Path) -> str:
        return self.run("write-tree", index=index).decode().strip()

    def read_tree(self, index: Path, tree_ish: str) -> None:
        self.run("read-tree", tree_ish, index=index)

    def merge_base(self, a: str, b: str) -> str | None:
        out = self.run("merge-base", a, b, ok=(0, 1))
        return out.decode().strip() or None

    # -- commits -----------------------------------------------------------------------------

    def commit_tree(self, tree: str, parents: list[str], message: str, metadata: dict[str, str]) -> str:
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.run(*args, input=encode_message(message, metadata).encode()).decode().strip()

    def log(self, commit: str, limit: int) -> list[Commit]:
        out = self.run(
            "log",
            "--topo-order",
            "-z",
            f"--max-count={limit}",
            "--format=%H%x00%P%x00%ct%x00%cn%x00%B",
            commit,
        )
        fields = out.decode("utf-8", "replace").split("\0")
        commits = []
        for i in range(0, len(fields) - 4, 5):
            sha, parents, ts, committer, body = fields[i : i + 5]
            message, metadata = decode_message(body)
            commits.append(
                Commit(
                    id=sha,
                    message=message,
                    metadata=metadata,
                    parents=tuple(parents.split()),
                    created_at=datetime.fromtimestamp(int(ts), UTC),
                    committer=committer,
                )
            )
        return commits


def encode_message(message: str, metadata: dict[str, str]) -> str:
    """The commit message with the metadata as one JSON trailer line, the last line of the message."""
    return f"{message}{_METADATA_TRAILER}{json.dumps(metadata, sort_keys=True)}\n"


def decode_message(body: str) -> tuple[str, dict[str, str]]:
    text = body.rstrip("\n")
    head, sep, tail = text.rpartition(_METADATA_TRAILER)
    if sep:
        try:
            return head, dict(json.loads(tail))
        except ValueError:
            pass
    return text, {}


_KINDS = {"A": "added", "D": "removed"}


def _parse_raw(out: bytes) -> dict[str, tuple[str, str | None]]:
    tokens = out.split(b"\0")
    changes: dict[str, tuple[str, str | None]] = {}
    for i in range(0, len(tokens) - 1, 2):
        meta, path = tokens[i].decode(), tokens[i + 1].decode("utf-8", "surrogateescape")
        _old_mode, _new_mode, _old, new, status = meta.lstrip(":").split()
        kind = _KINDS.get(status, "changed")
        changes[path] = (kind, None if kind == "removed" else new)
    return changes
