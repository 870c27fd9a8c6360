"""Size and archive limits that keep one hostile input from stalling or exhausting a run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    # One document, message or page larger than this is quarantined unread (too_large).
    max_file_bytes: int = 5_000_000
    # Everything one archive (with its nested archives) may inflate to, judged from its directory.
    max_archive_bytes: int = 2_000_000_000
    # A member inflating more than this many times its compressed size is a bomb ...
    max_ratio: float = 200.0
    # ... once it inflates past this size; small members of repetitive text compress that well.
    ratio_min_bytes: int = 1_000_000
    max_members: int = 200_000
    # Archives inside archives (Notion exports nest one level; 42.zip nests many).
    max_depth: int = 3
    # A text whose content sits mostly in lines longer than this is minified or data.
    max_line_chars: int = 1000
