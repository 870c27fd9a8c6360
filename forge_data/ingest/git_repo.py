"""Git plumbing through the real ``git`` binary: the tree of a commit, its blobs, and diffs.

Reading the commit's tree (not the working folder) is what keeps untracked and
.gitignore'd files out: only what the commit holds is ever seen.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from forge_data.ingest.errors import IngestError

_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


@dataclass(frozen=True)
class TreeEntry:
    mode: str  # 100644, 100755, 120000 (link), 160000 (submodule)
    kind: str  # blob | commit
    oid: str
    size: int  # -1 for submodules
    path: str


@dataclass(frozen=True)
class Change:
    status: str  # A, M, D, T
    path: str


class GitRepo:
    def __init__(self, path: Path):
        import os

        self.path = path
        self._env = {**os.environ, **_ENV}
        if not path.exists():
            raise IngestError(f"{path}: no such repository")
        try:
            self.git_dir = Path(self.run("rev-parse", "--absolute-git-dir").decode().strip())
        except IngestError as err:
            if "not a git repository" in str(err):
                raise IngestError(f"{path}: not a git repository") from None
            raise  # e.g. git refusing a repository owned by another user: its own words say why

    @property
    def name(self) -> str:
        p = self.path.resolve()
        if p.name == ".git":
            p = p.parent
        return p.name[:-4] if p.name.endswith(".git") else p.name

    def run(self, *args: str, input: bytes | None = None) -> bytes:
        try:
            proc = subprocess.run(
                ["git", "-C", str(self.path), *args],
                input=input,
                capture_output=True,
                env=self._env,
                check=False,
            )
        except FileNotFoundError:
            raise IngestError("the git program is not installed") from None
        if proc.returncode != 0:
            reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise IngestError(
                f"{self.path}: git {args[0]} failed: {reason[-1] if reason else proc.returncode}"
            )
        return proc.stdout

    def resolve(self, ref: str | None) -> str:
        ref = ref or "HEAD"
        try:
            return (
                self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
                .decode()
                .strip()
            )
        except IngestError:
            raise IngestError(f"{self.path}: no commit, branch or tag named {ref!r}") from None

    def commit_time(self, commit: str) -> datetime:
        return datetime.fromisoformat(self.run("show", "-s", "--format=%cI", commit).decode().strip())

    def tree(self, commit: str) -> list[TreeEntry]:
        out = self.run("ls-tree", "-r", "-z", "-l", "--full-tree", commit)
        entries = []
        for row in out.split(b"\0"):
            if not row:
                continue
            meta, path = row.split(b"\t", 1)
            mode, kind, oid, size = meta.decode().split()
            entries.append(TreeEntry(mode, kind, oid, int(size) if size != "-" else -1, _path(path)))
        return entries

    def changes(self, since: str, commit: str) -> list[Change]:
        """Files added, modified, type-changed or deleted from ``since`` to ``commit`` (renames as D + A)."""
        out = self.run("diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", since, commit)
        fields = out.split(b"\0")
        changes = []
        for i in range(0, len(fields) - 1, 2):
            meta = fields[i].decode()
            if not meta.startswith(":"):
                continue
            changes.append(Change(meta.split()[-1][0], _path(fields[i + 1])))
        return changes

    def blobs(self, oids: list[str]) -> Iterator[tuple[str, bytes]]:
        """Stream blob contents through one ``git cat-file --batch`` process, in the order asked."""
        proc = subprocess.Popen(
            ["git", "-C", str(self.path), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self._env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        try:
            for oid in oids:
                proc.stdin.write(oid.encode() + b"\n")
                proc.stdin.flush()
                header = proc.stdout.readline().split()
                if len(header) < 3 or header[1] == b"missing":
                    raise IngestError(f"{self.path}: blob {oid} is missing from the object store")
                size = int(header[2])
                data = proc.stdout.read(size)
                proc.stdout.read(1)  # the newline after each object
                yield oid, data
        finally:
            proc.stdin.close()
            proc.stdout.close()
            proc.wait()


def _path(raw: bytes) -> str:
    # Paths are bytes in git; a name that is not UTF-8 shows its bytes as \x escapes.
    return raw.decode("utf-8", "backslashreplace")
