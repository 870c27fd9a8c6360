"""Strings made safe for Arrow, which stores UTF-8 only."""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(value: Any) -> Any:
    """Strings Arrow can store: lone surrogates replaced.

    They arrive from JSON escapes such as "\\ud800" in chat exports and from file names
    that are not UTF-8 (Python keeps their bytes as surrogates); either would stop the
    whole run when the table is built.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            try:
                return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            except UnicodeEncodeError:
                return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


_NOT_TOKEN = re.compile(r"[^A-Za-z0-9_.:-]")


def token(value: Any) -> str:
    """A value from an export (a subtype, a line type) made fit to be a metadata key: it may
    be anything the export says, so it is cut to a short run of safe characters."""
    return _NOT_TOKEN.sub("_", str(value))[:60] or "_"
