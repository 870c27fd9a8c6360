"""The scorecard's criteria, one plain function each.

Every criterion returns a score in [0, 1] saying how much it holds for one answer, or None when it
cannot judge (no reference to compare with). The scorecard multiplies by the criterion's weight,
so a penalty is a criterion with a negative weight that scores 1 when the answer misbehaves:

=================  =============================================  ===============  ===============
criterion          scores 1 when                                  typical weight   params
=================  =============================================  ===============  ===============
correct_answer     the reference's key words are all in the       +1.0             patterns,
                   answer (graded: the share found), or every                      min_recall
                   verifier pattern matches
terminology        company glossary terms are used (graded        +0.5             target
                   up to ``target`` distinct terms)
security           no secret, no personal data, no forbidden      +0.3             patterns, pii,
                   pattern in the answer                                           secrets
length_overrun     the answer is longer than allowed or was       -0.5             max_words,
                   cut off at the generation limit (timeout)                       max_chars
hallucination      the answer names things absent from the        -1.0             —
                   reference corpus (graded: their share)
degenerate         the answer is empty, or so repetitive that     -1.0             max_ratio
                   it compresses beyond ``max_ratio`` (graded)
=================  =============================================  ===============  ===============

``degenerate`` closes the cheapest way to a higher reward: without it a policy that answers nothing,
or one token over and over, keeps every secret and names nothing made up, and so outscores an honest
wrong answer.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from functools import cache

from forge_data.rewards.vocabulary import Vocabulary, entities, words

# Too common to show that an answer is about the reference's subject.
STOPWORDS = frozenset(
    "a an and are as at be before but by can do does for from has have how i if in into is it its "
    "me my no not of on or our so that the their then there these they this to up was we what when "
    "where which who why will with you your".split()
)


def key_words(text: str) -> set[str]:
    """The lower-cased words of ``text`` that carry its meaning (no stop words, no single letters)."""
    return {w.lower() for w in words(text) if len(w) > 1 and w.lower() not in STOPWORDS}


def correct_answer(
    completion: str,
    reference: str | None = None,
    *,
    patterns: Sequence[str] = (),
    min_recall: float = 0.0,
) -> float | None:
    """Verifier patterns when given (1 if all match, else 0); otherwise the share of the reference's key
    words the answer contains, counted as 0 below ``min_recall``. None with neither."""
    if patterns:
        return float(all(re.search(p, completion, re.IGNORECASE) for p in patterns))
    if not reference:
        return None
    expected = key_words(reference)
    if not expected:
        return None
    recall = len(expected & key_words(completion)) / len(expected)
    return recall if recall >= min_recall else 0.0


def _term_pattern(term: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def terms_used(glossary: Iterable[str], text: str) -> list[str]:
    """The glossary terms ``text`` uses, as whole words, case-insensitive."""
    return [t for t in glossary if _term_pattern(t).search(text)]


def terminology(completion: str, glossary: Sequence[str], *, target: int = 1) -> float:
    """The number of distinct glossary terms used, over ``target`` (capped at 1)."""
    if not glossary:
        return 0.0
    return min(1.0, len(terms_used(glossary, completion)) / max(target, 1))


@cache
def _detectors():
    """Forge's own secret and personal-data recognizers (the redaction's), built once: regexes only, no NLP."""
    from forge_data.pii.personal_recognizers import OfflineEmailRecognizer, personal_rules_recognizer
    from forge_data.pii.secret_recognizers import SECRET_ENTITIES, secrets_recognizer

    secrets = (secrets_recognizer(), list(SECRET_ENTITIES))
    personal = personal_rules_recognizer()
    pii = [(personal, list(personal.supported_entities)), (OfflineEmailRecognizer(), ["EMAIL_ADDRESS"])]
    return secrets, pii


def leaks(completion: str, *, pii: bool = True, secrets: bool = True) -> list[str]:
    """Entity types of the secrets and personal data found in ``completion`` (never the values)."""
    secret_detector, pii_detectors = _detectors()
    detectors = ([secret_detector] if secrets else []) + (pii_detectors if pii else [])
    found = {r.entity_type for d, kinds in detectors for r in d.analyze(completion, kinds)}
    return sorted(found)


def security(
    completion: str, *, patterns: Sequence[str] = (), pii: bool = True, secrets: bool = True
) -> float:
    """1 when the answer holds no secret, no personal data and matches no forbidden pattern, else 0."""
    if any(re.search(p, completion) for p in patterns):
        return 0.0
    return 0.0 if leaks(completion, pii=pii, secrets=secrets) else 1.0


def length_overrun(
    completion: str, *, max_words: int = 200, max_chars: int | None = None, truncated: bool = False
) -> float:
    """1 when the answer is over ``max_words`` words or ``max_chars`` characters, or was cut off unfinished."""
    too_long = len(completion.split()) > max_words or (max_chars is not None and len(completion) > max_chars)
    return float(truncated or too_long)


def hallucination(completion: str, known: Vocabulary) -> float:
    """The share of the entities the answer names that the reference corpus never mentions."""
    named = entities(completion)
    if not named:
        return 0.0
    return sum(1 for e in named if e not in known) / len(named)


def compression_ratio(text: str) -> float:
    """Bytes of ``text`` over bytes of its zlib compression: about 1 to 1.8 for prose and code, far
    higher for a loop of the same few tokens (the measure Whisper uses to catch repetition loops)."""
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw, 9)) if raw else 0.0


def degenerate(completion: str, *, max_ratio: float = 2.0) -> float:
    """1 for an empty answer; otherwise 0 up to a compression ratio of ``max_ratio``, rising linearly
    to 1 at ``max_ratio + 1``."""
    if not completion.strip():
        return 1.0
    return min(1.0, max(0.0, compression_ratio(completion) - max_ratio))
