"""The two ways reading can fail: the whole source, or one input of it."""

from __future__ import annotations


class IngestError(ValueError):
    """A source that cannot be read at all: a missing path, not a repository, an unknown ref.

    The message names the source and the problem, never file contents.
    """


class Rejected(Exception):
    """One input cannot become a record; it becomes a quarantine row with this reason.

    ``reason`` is a short stable code (``corrupt``, ``encrypted``, ...); ``detail`` is a
    sentence that never quotes the input's content.
    """

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
