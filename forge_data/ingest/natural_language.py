"""Which natural language a document or conversation is written in (ISO 639-1 code)."""

from __future__ import annotations

import re
from functools import lru_cache

_SAMPLE_CHARS = 3000
_MIN_LETTERS = 12
# Code blocks, URLs and markup say nothing about the prose around them.
_NOISE = re.compile(r"```.*?```|https?://\S+|<[^>]{0,200}>|[`*_#>|\[\]{}()=]", re.S)
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _detector():
    from langdetect import DetectorFactory, detect_langs

    DetectorFactory.seed = 0  # langdetect samples at random; fix it so reruns agree
    return detect_langs


def detect_language(text: str) -> str | None:
    """``en``, ``ru``, ``ja``, ``zh-cn``, ... or None when there is too little prose to tell."""
    sample = _NOISE.sub(" ", text[: _SAMPLE_CHARS * 2])[:_SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < _MIN_LETTERS:
        return None
    from langdetect.lang_detect_exception import LangDetectException

    try:
        found = _detector()(sample)
    except LangDetectException:
        return None
    return found[0].lang if found else None
