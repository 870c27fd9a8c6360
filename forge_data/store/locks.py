"""Exclusive per-name locks between processes on one machine, safe against a killed holder.

A lock is ``fcntl.flock`` on a file under the store's ``locks/`` folder. The
kernel drops it when the last descriptor of the open file goes away, so a
process killed with SIGKILL never leaves a lock held: there is no stale lock to
detect. The store hands the descriptor to every git process it starts while it
holds the lock, so the lock also outlives a killed parent until its git child
has exited. Whoever takes the lock next may therefore treat any git ``*.lock``
file guarded by it as left behind by a dead process.

The file holds the holder's pid only so that a timeout can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from forge_data.store.base import StoreError


class FileLock:
    def __init__(self, path: Path, timeout_s: float) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self.fd: int | None = None

    def __enter__(self) -> FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + self.timeout_s
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise StoreError(
                        f"timed out after {self.timeout_s:g}s waiting for lock {self.path.name!r}"
                        f" (held by pid {holder})"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            # Closing drops the lock once git children that inherited it are gone too.
            os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode().strip() or "unknown"
    except OSError:
        return "unknown"
