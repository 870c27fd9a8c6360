"""Text normalisation for exact duplicates and shingling, and the exact-duplicate key."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from forge_data.config import DedupConfig

_WS = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]+")


def normalize(text: str, cfg: DedupConfig) -> str:
    """The form two texts must share to count as exact duplicates.

    NFC first, so the same characters typed differently (composed or not) compare equal.
    """
    text = unicodedata.normalize("NFC", text)
    if cfg.lowercase:
        text = text.lower()
    if cfg.strip_punctuation:
        text = _PUNCT.sub(" ", text)
    if cfg.collapse_whitespace:
        text = _WS.sub(" ", text).strip()
    return text


def exact_key(normalized: str) -> bytes:
    """16-byte digest of normalised text; collisions are negligible at corpus scale."""
    return hashlib.blake2b(normalized.encode("utf-8", "surrogatepass"), digest_size=16).digest()
