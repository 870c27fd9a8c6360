"""SPDX licence ids: from a file's ``SPDX-License-Identifier`` header, else the repository's licence file."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_HEADER = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+\-() ]+?)\s*(?:\*/|-->|#\}|$)", re.M)
_HEADER_CHARS = 4000
_FILE_NAMES = re.compile(r"^(?:licen[sc]e|copying|unlicense)(?:[-._][\w.-]*)?$", re.I)

# (SPDX id, phrases that must all appear), most specific first.
_TEXTS = (
    ("AGPL-3.0", ("gnu affero general public license", "version 3")),
    ("LGPL-3.0", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1", ("gnu lesser general public license", "version 2.1")),
    ("GPL-3.0", ("gnu general public license", "version 3")),
    ("GPL-2.0", ("gnu general public license", "version 2")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("EPL-2.0", ("eclipse public license", "2.0")),
    ("BSL-1.0", ("boost software license", "version 1.0")),
    ("CC0-1.0", ("cc0 1.0 universal",)),
    ("Unlicense", ("free and unencumbered software released into the public domain",)),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose",)),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "neither the name")),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("MIT", ("permission is hereby granted, free of charge",)),
)


def spdx_header(text: str) -> str | None:
    m = _HEADER.search(text[:_HEADER_CHARS])
    return m.group(1).strip() if m else None


def is_licence_file(path: str) -> bool:
    p = PurePosixPath(path)
    return len(p.parts) == 1 and _FILE_NAMES.match(p.name) is not None


def identify(text: str) -> str | None:
    """The SPDX id of a full licence text, or None when it is not one this knows."""
    if found := spdx_header(text):
        return found
    flat = re.sub(r"\s+", " ", text.lower())
    for spdx, phrases in _TEXTS:
        if all(p in flat for p in phrases):
            if spdx.startswith(("GPL", "LGPL", "AGPL")):
                return spdx + ("-or-later" if "any later version" in flat else "-only")
            return spdx
    return None
