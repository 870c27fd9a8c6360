"""The feedback log of production answers, read incrementally, and its rolling pass rate.

The log is JSON Lines, one answer per line, appended by whatever serves the model::

    {"time": "2025-03-01T12:00:00Z", "prompt": "...", "answer": "...", "passed": false, "model": "acme/v3"}
    {"time": "...", "prompt": "...", "answer": "...", "rating": 2, "model": "acme/v3", "reference": "..."}

``passed`` (an acceptance result) wins over ``rating`` (a number; at or above ``pass_rating`` passes).
A line with neither is unrated and does not count; a line that is not a JSON object is counted as
malformed and skipped, never fatal. Only complete lines are read: a line still being written (no
newline yet) is left for the next read.

The reader keeps no text: an :class:`Outcome` is the byte offset of its line and whether it passed,
so a window of hundreds of answers fits in a sensor cursor. The failing cases' prompts are read
back from those offsets only when retraining is requested, and written for the RL stage to
``<state_dir>/feedback/failing_cases.jsonl`` as ``{"prompt", "reference"?}`` lines.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FAILING_CASES = Path("feedback") / "failing_cases.jsonl"


def failing_cases_path(state_dir: str | Path) -> Path:
    """Where the RL stage finds the prompts production answers failed on."""
    return Path(state_dir) / FAILING_CASES


@dataclass(frozen=True)
class Outcome:
    offset: int  # byte offset of the line in the log
    passed: bool


def verdict(entry: dict[str, Any], pass_rating: float) -> bool | None:
    """Whether an answer passed; None when the entry carries no usable judgement.

    >>> verdict({"passed": False, "rating": 5}, 4), verdict({"rating": 4}, 4), verdict({"rating": "bad"}, 4)
    (False, True, None)
    """
    passed = entry.get("passed")
    if isinstance(passed, bool):
        return passed
    rating = entry.get("rating")
    if isinstance(rating, (int, float)) and not isinstance(rating, bool):
        return float(rating) >= pass_rating
    return None


@dataclass
class LogRead:
    outcomes: list[Outcome] = field(default_factory=list)
    offset: int = 0  # the next byte to read
    inode: int = 0
    restarted: bool = False  # the log was replaced or truncated: earlier offsets mean nothing now
    malformed: int = 0
    unrated: int = 0


def read_new(path: str | Path, offset: int, inode: int | None, pass_rating: float) -> LogRead:
    """The judged answers appended since ``offset`` (0 and ``inode=None`` read the whole log)."""
    path = Path(path)
    st = path.stat()
    restarted = bool(inode is not None and (st.st_ino != inode or st.st_size < offset))
    pos = 0 if restarted or inode is None else offset
    out = LogRead(offset=pos, inode=st.st_ino, restarted=restarted)
    with path.open("rb") as fh:
        fh.seek(pos)
        for line in fh:
            if not line.endswith(b"\n"):
                break  # still being written
            start, out.offset = out.offset, out.offset + len(line)
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                out.malformed += 1
                continue
            if not isinstance(entry, dict):
                out.malformed += 1
                continue
            judged = verdict(entry, pass_rating)
            if judged is None:
                out.unrated += 1
            else:
                out.outcomes.append(Outcome(start, judged))
    return out


@dataclass
class Request:
    """A point in the log where retraining is due: the window then, and how many judged answers led there."""

    window: list[Outcome]
    judged: int


@dataclass
class RollingPassRate:
    """The pass rate over the last ``size`` judged answers, and when it calls for retraining.

    Retraining is due at an answer when the window holds at least ``min_entries`` answers, its pass
    rate is below ``threshold``, and at least ``size`` answers came since the last time it was due
    (so a rate that stays low while the retrained model is not yet serving asks once per window, not
    once per answer). Every decision depends on the log alone, answer by answer: reading a log in
    one go or in pieces finds the same points, so a sensor that lost its state names the same runs.
    """

    size: int
    min_entries: int
    threshold: float
    window: list[Outcome] = field(default_factory=list)
    judged: int = 0
    requested_at: int | None = None

    @property
    def rate(self) -> float | None:
        return sum(o.passed for o in self.window) / len(self.window) if self.window else None

    def add(self, outcomes: Iterable[Outcome]) -> Request | None:
        """Take in new answers; the latest point among them where retraining became due, if any."""
        latest = None
        for outcome in outcomes:
            self.window.append(outcome)
            del self.window[: -self.size]
            self.judged += 1
            if self._due():
                self.requested_at = self.judged
                latest = Request(list(self.window), self.judged)
        return latest

    def _due(self) -> bool:
        if len(self.window) < self.min_entries or (self.rate or 0.0) >= self.threshold:
            return False
        return self.requested_at is None or self.judged - self.requested_at >= self.size

    def answers_until_next_request(self) -> int:
        return 0 if self.requested_at is None else max(0, self.size - (self.judged - self.requested_at))

    def state(self) -> dict[str, Any]:
        return {
            "window": [[o.offset, int(o.passed)] for o in self.window],
            "judged": self.judged,
            "requested_at": self.requested_at,
        }

    @classmethod
    def from_state(
        cls, state: dict[str, Any], size: int, min_entries: int, threshold: float
    ) -> RollingPassRate:
        window = [Outcome(int(offset), bool(passed)) for offset, passed in state.get("window", [])]
        return cls(
            size,
            min_entries,
            threshold,
            window[-size:],
            int(state.get("judged", 0)),
            state.get("requested_at"),
        )


def window_key(window: list[Outcome], inode: int) -> str:
    """Names one window of one log: the same answers give the same key, one more answer a new one."""
    text = f"{inode}:" + ",".join(f"{o.offset}{'+' if o.passed else '-'}" for o in window)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def failing_cases(path: str | Path, window: list[Outcome]) -> list[dict[str, str]]:
    """``{prompt, reference?}`` for each failed answer of the window, each prompt once, oldest first."""
    cases: dict[str, dict[str, str]] = {}
    with Path(path).open("rb") as fh:
        for outcome in window:
            if outcome.passed:
                continue
            fh.seek(outcome.offset)
            entry = json.loads(fh.readline())
            prompt = entry.get("prompt")
            if not isinstance(prompt, str) or not prompt.strip():
                continue
            case = {"prompt": prompt}
            if isinstance(entry.get("reference"), str):
                case["reference"] = entry["reference"]
            cases.setdefault(prompt, case)
    return list(cases.values())


def write_failing_cases(cases: list[dict[str, str]], state_dir: str | Path) -> Path:
    """Replace the failing-cases file whole, so a reader sees the old file or the new one, never a mix."""
    path = failing_cases_path(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path
