"""Checkpoints that survive a kill: find the last complete one, discard half-written ones.

The Trainer writes a checkpoint in this order: weights, optimizer and scheduler, RNG states,
then ``trainer_state.json`` (which also holds the data position: global step and epoch). A
checkpoint is therefore complete exactly when its ``trainer_state.json`` parses; anything newer
without one was cut off mid-write by the kill and is removed before resuming.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def _step(path: Path) -> int | None:
    m = _CHECKPOINT.match(path.name)
    return int(m.group(1)) if m and path.is_dir() else None


def is_complete(checkpoint: Path) -> bool:
    state = checkpoint / "trainer_state.json"
    try:
        json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return any(checkpoint.glob("*.safetensors")) or any(checkpoint.glob("*.bin"))


def latest_checkpoint(folder: str | Path) -> Path | None:
    """The newest complete checkpoint under ``folder``, or None."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    found = sorted((s, p) for p in folder.iterdir() if (s := _step(p)) is not None)
    for _, path in reversed(found):
        if is_complete(path):
            return path
    return None


def discard_incomplete(folder: str | Path) -> list[str]:
    """Remove checkpoints a kill left half-written; returns their names."""
    folder = Path(folder)
    removed = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if _step(path) is not None and not is_complete(path):
                shutil.rmtree(path)
                removed.append(path.name)
    return removed
