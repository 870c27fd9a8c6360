"""Find personal data and secrets in a batch of texts: one NER pass, then Presidio per text.

The batch pipeline:

1. For code, find string and comment zones; names are only looked for there.
2. Run spaCy NER once over the batch (``nlp.pipe``), only on the parts that can hold names.
3. Per text, call Presidio's ``AnalyzerEngine.analyze`` with those NLP artefacts and only the
   entities the text can contain (no ``@``: no e-mail; no digit: no phone, card, SSN...).
4. Tidy name spans, drop allow-listed company terms, keep names in code to strings/comments.
5. Propagate: a name found anywhere in the batch is found everywhere else in it, so the
   first-name-only mention in turn 7 of a thread goes too (the batch is the whole file or
   table, so this is corpus-wide).
6. Resolve overlaps so every character is claimed by at most one finding.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

import regex
from presidio_analyzer import RecognizerResult

from forge_data.config import PiiConfig
from forge_data.pii.code_zones import clip_to_zones, code_zones, is_prose_language
from forge_data.pii.company import AllowList, company_entities
from forge_data.pii.engine import NER_ENTITIES, build_analyzer
from forge_data.pii.personal_recognizers import NAME_WORD, NOT_NAMES, chat_rules_recognizer
from forge_data.pii.secret_recognizers import SECRET_ENTITIES


class DetectionError(RuntimeError):
    """Detection failed on a text; the message names its position, never its content."""


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    score: float
    recognizer: str


@dataclass
class Detection:
    """Findings of one text, plus what the redactor needs to keep code valid."""

    findings: list[Finding]
    zones: list[tuple[int, int]] | None  # string/comment zones of code whose syntax must survive
    quote_outside: bool = False  # JSON: a value outside a string becomes a string, not a bare name


PROPAGATED_SCORE = 0.75
_DIGIT = regex.compile(r"\d")
_NAME_RUN = regex.compile(rf"(?<![\w@.])(?:{NAME_WORD})(?:[ \t]+(?:{NAME_WORD}))*(?![\w@])")
_NAME_PART = regex.compile(NAME_WORD)
# A lower-case word of prose; not part of an address, handle or identifier (lars.berg@, notify_lars).
_NAME_BEFORE_AND = regex.compile(rf"(?<![\w@.])(?P<v>{NAME_WORD})[ \t]+(?:and|&)[ \t]+$")
_NAME_AFTER_AND = regex.compile(rf"[ \t]+(?:and|&)[ \t]+(?P<v>{NAME_WORD})(?![\w@])")
_LOWER_WORD = regex.compile(r"(?<![\w.@/-])\p{Ll}{3,}(?![\w@/-]|\.\w)")

# Necessary conditions for an entity to occur in a text: cheap checks that skip whole recognizers.
_NEEDS = {
    "EMAIL_ADDRESS": lambda t, d: "@" in t,
    "URL_CREDENTIALS": lambda t, d: "://" in t and "@" in t,
    "PHONE_NUMBER": lambda t, d: d,
    "CREDIT_CARD": lambda t, d: d,
    "US_SSN": lambda t, d: d,
    "IBAN_CODE": lambda t, d: d,
    "STREET_ADDRESS": lambda t, d: d,
    "IP_ADDRESS": lambda t, d: d or "::" in t,
}


class Detector:
    def __init__(self, cfg: PiiConfig):
        self.cfg = cfg
        self.analyzer, self.nlp, self.entities = build_analyzer(cfg)
        self.allow = AllowList(cfg.allow_list)
        self.ranks = rank_of(company_entities(cfg))
        self._chat = [chat_rules_recognizer(cfg.language)] if "PERSON" in self.entities else None

    def detect(
        self,
        texts: Sequence[str],
        kinds: Sequence[str] | None = None,
        languages: Sequence[str | None] | None = None,
        *,
        threshold: float | None = None,
        seeds: Iterable[str] = (),
        propagate: bool = True,
        only: Collection[int] | None = None,
    ) -> list[Detection]:
        """Findings per text, offsets into that text. ``seeds`` are names known from structured fields.

        ``only``: the indices of the texts to analyse. The others are taken to have no findings
        of their own (the caller knows; they are unchanged since a detection that found nothing)
        but still receive the names propagated from the batch.
        """
        threshold = self.cfg.score_threshold if threshold is None else threshold
        kinds = list(kinds) if kinds is not None else ["doc"] * len(texts)
        languages = list(languages) if languages is not None else [None] * len(texts)
        if len(kinds) != len(texts) or len(languages) != len(texts):
            raise ValueError("kinds and languages must have one entry per text")

        zones: list[list[tuple[int, int]] | None] = []  # where names may be (None: anywhere)
        code: list[list[tuple[int, int]] | None] = []  # zones that shape placeholders (None: prose)
        for text, kind, lang in zip(texts, kinds, languages, strict=True):
            z = code_zones(text, lang) if kind == "code" else None
            prose = z is None or is_prose_language(lang)
            zones.append(None if prose else z)
            code.append(None if z is None or (prose and (lang or "").lower() not in ("json", "jsonl")) else z)

        todo = range(len(texts)) if only is None else sorted(set(only))
        artifacts = self.nlp.artifacts(
            [texts[i] for i in todo], [zones[i] for i in todo], self.cfg.language, self.cfg.batch_size
        )
        found: list[list[Finding]] = [[] for _ in texts]
        for i, art in zip(todo, artifacts, strict=True):
            results = self._analyze(i, texts[i], kinds[i], art, threshold)
            found[i] = self._tidy(texts[i], [_finding(r) for r in results], zones[i])

        if "PERSON" in self.entities:
            for i in todo:
                found[i].extend(self._coordinated(texts[i], found[i]))
            if propagate:
                self._propagate(texts, zones, found, seeds)
        return [
            Detection(
                _keep_delimiters(text, resolve_overlaps(text, f, self.ranks), z),
                z,
                (lang or "").lower() in ("json", "jsonl"),
            )
            for text, f, z, lang in zip(texts, found, code, languages, strict=True)
        ]

    def _analyze(self, i: int, text: str, kind: str, artifacts, threshold: float) -> list[RecognizerResult]:
        has_digit = _DIGIT.search(text) is not None
        entities = [e for e in self.entities if e not in _NEEDS or _NEEDS[e](text, has_digit)]
        if not entities or not text.strip():
            return []
        try:
            return self.analyzer.analyze(
                text=text,
                language=self.cfg.language,
                entities=entities,
                nlp_artifacts=artifacts,
                score_threshold=threshold,
                ad_hoc_recognizers=self._chat if kind == "chat" else None,
            )
        except Exception as err:  # noqa: BLE001 - Presidio's messages can quote the text
            raise DetectionError(f"PII detection failed on text #{i} ({type(err).__name__})") from None

    def _tidy(self, text: str, findings: list[Finding], zones: list[tuple[int, int]] | None) -> list[Finding]:
        allow_spans = self.allow.spans(text) if self.allow else []
        out: list[Finding] = []
        for f in findings:
            pieces = [f]
            if f.type == "PERSON":
                pieces = _tidy_person(text, f)
            if zones is not None and f.type in NER_ENTITIES:
                pieces = [
                    replace(p, start=s, end=e)
                    for p in pieces
                    for s, e in clip_to_zones(zones, p.start, p.end)
                ]
            out.extend(
                p for p in pieces if not (self.allow and self.allow.allows(text, p.start, p.end, allow_spans))
            )
        return out

    def _coordinated(self, text: str, findings: list[Finding]) -> list[Finding]:
        """'Amara and <a name>' / '<a name> and Amara': a name coordinated with a name is one too."""
        out = []
        for f in findings:
            if not _strong_name(text, f):
                continue
            before = _NAME_BEFORE_AND.search(text, max(0, f.start - 40), f.start)
            after = _NAME_AFTER_AND.match(text, f.end, min(len(text), f.end + 40))
            for m in (before, after):
                if m and m.group("v") not in NOT_NAMES and not self.allow.contains(m.group("v")):
                    out.append(Finding("PERSON", m.start("v"), m.end("v"), 0.7, "name_coordination"))
        return out

    # --- propagation -------------------------------------------------------------------------

    def _propagate(self, texts, zones, found: list[list[Finding]], seeds: Iterable[str]) -> None:
        names: set[tuple[str, ...]] = set()
        for text, findings in zip(texts, found, strict=True):
            for f in findings:
                if _strong_name(text, f):
                    names.add(tuple(text[f.start : f.end].split()))
        for seed in seeds:
            names.update(tuple(m.group(0).split()) for m in _NAME_RUN.finditer(seed))
        lower = _lower_words(texts) if names else set()
        forms: set[tuple[str, ...]] = set()
        for name in names:
            if not name:
                continue
            if len(name) > 1:
                forms.add(name)
            for part in name:
                if self._propagatable(part, lower):
                    forms.add((part,))
        if not forms:
            return
        longest = max(len(f) for f in forms)
        for text, z, findings in zip(texts, zones, found, strict=True):
            regions = [(0, len(text))] if z is None else z
            for start, end in regions:
                for run in _NAME_RUN.finditer(text, start, end):
                    words = [(m.start(), m.end(), m.group(0)) for m in _NAME_PART.finditer(run.group(0))]
                    k = 0
                    while k < len(words):
                        for n in range(min(longest, len(words) - k), 0, -1):
                            if tuple(w for _, _, w in words[k : k + n]) in forms:
                                s, e = run.start() + words[k][0], run.start() + words[k + n - 1][1]
                                findings.append(Finding("PERSON", s, e, PROPAGATED_SCORE, "name_propagation"))
                                k += n
                                break
                        else:
                            k += 1

    def _propagatable(self, word: str, lower: set[str]) -> bool:
        """A single name word safe to look for everywhere: not a common word in this batch."""
        return (
            len(word) >= 3
            and _NAME_PART.fullmatch(word) is not None
            and word not in NOT_NAMES
            and not self.nlp.is_stopword(word, self.cfg.language)
            and not self.allow.contains(word)
            and word.lower() not in lower
        )


def _strong_name(text: str, f: Finding) -> bool:
    """A name found by more than one capitalised word alone: a full name, a cue, a speaker.

    One capitalised word that only the NER model tagged ("Meeting", "Grafana"), or that only
    stands next to such a word ("runs Istio and Celery"), is too weak to build on.
    """
    if f.type != "PERSON" or f.recognizer == "name_coordination":
        return False
    return " " in text[f.start : f.end].strip() or not f.recognizer.startswith("SpacyRecognizer")


def _finding(r: RecognizerResult) -> Finding:
    name = (r.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
    return Finding(r.entity_type, r.start, r.end, round(float(r.score), 4), name)


def _lower_words(texts: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        words.update(_LOWER_WORD.findall(text))
    return words


_PERSON = regex.compile(rf"{NAME_WORD}(?:[ \t]+(?:[a-z]{{1,4}}[ \t]+)*{NAME_WORD})*")


def _tidy_person(text: str, f: Finding) -> list[Finding]:
    """A PERSON span cut to its name words: 'TODO(Jonas Weber' -> 'Jonas Weber', "Priya's" -> 'Priya'.

    Spans without a capitalised word ('DATA-8560', 'prod db') are dropped, and a leading
    greeting or cue word the model took in ('Congrats Keiko') is cut off. A name word glued
    to letters or digits is part of something else: 'Claims' in 'decodeClaims', 'Qw' in a token.
    """
    value = text[f.start : f.end]
    parts = []
    for m in _PERSON.finditer(value):
        s, e = m.span()
        if _glued(text, f.start + s - 1) or _glued(text, f.start + e):
            continue
        words = m.group(0).split()
        while words and words[0] in NOT_NAMES:
            s = value.index(words[1], s + len(words[0])) if len(words) > 1 else e
            words = words[1:]
        if value[e - 2 : e] in ("'s", "’s"):
            e -= 2
        if e > s:
            parts.append(replace(f, start=f.start + s, end=f.start + e))
    return parts


def _glued(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalnum()


def rank_of(company: Iterable[str]) -> dict[str, int]:
    """How strongly an entity type claims characters another finding also claims.

    Secrets and URL credentials first (they must go whole), then the company's own patterns
    (it said so), then other patterns, then names (NER is the least certain about spans).
    """
    ranks = {e: 4 for e in SECRET_ENTITIES}
    ranks["URL_CREDENTIALS"] = 4
    ranks.update({e: 3 for e in company})
    ranks.update({e: 1 for e in NER_ENTITIES})
    return ranks


def resolve_overlaps(
    text: str, findings: list[Finding], ranks: dict[str, int] | None = None
) -> list[Finding]:
    """Non-overlapping findings sorted by offset: the strongest claims first, the rest keep what is left.

    A name keeps any part with a letter or digit in it; a pattern match (an e-mail inside a
    URL's credentials, say) keeps its remainder only if most of it is left.
    """
    ranks = ranks or {}
    claimed: list[tuple[int, int]] = []  # sorted, disjoint

    def priority(f: Finding) -> tuple:
        return (ranks.get(f.type, 2), f.score, f.end - f.start, -f.start)

    out: list[Finding] = []
    for f in sorted(findings, key=priority, reverse=True):
        pieces = subtract(f.start, f.end, claimed)
        if ranks.get(f.type, 2) > 1 and sum(e - s for s, e in pieces) * 2 < f.end - f.start:
            continue
        for s, e in pieces:
            piece = text[s:e]
            if any(c.isalnum() for c in piece):
                s += len(piece) - len(piece.lstrip())
                e -= len(piece) - len(piece.rstrip())
                out.append(replace(f, start=s, end=e))
                bisect.insort(claimed, (s, e))
    return sorted(out, key=lambda x: (x.start, x.end))


def subtract(start: int, end: int, claimed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end) outside ``claimed`` (sorted, disjoint spans)."""
    pieces = []
    pos = start
    k = max(0, bisect.bisect_left(claimed, (start, start)) - 1)
    for s, e in claimed[k:]:
        if s >= end:
            break
        if e <= pos:
            continue
        if s > pos:
            pieces.append((pos, s))
        pos = max(pos, e)
    if pos < end:
        pieces.append((pos, end))
    return pieces


def _keep_delimiters(
    text: str, findings: list[Finding], zones: list[tuple[int, int]] | None
) -> list[Finding]:
    """In code, a finding never swallows a string's quote or cuts an escape sequence in two."""
    if not zones:
        return findings
    quotes = sorted({p for s, e in zones for p in (s - 1, e) if 0 <= p < len(text) and text[p] in "\"'`"})
    out = []
    for f in findings:
        pieces, pos = [], f.start
        for q in quotes[bisect.bisect_left(quotes, f.start) : bisect.bisect_left(quotes, f.end)]:
            pieces.append((pos, q))
            pos = q + 1
        pieces.append((pos, f.end))
        for s, e in pieces:
            s, e = _whole_escapes(text, s, e)
            if e > s and any(c.isalnum() for c in text[s:e]):
                out.append(replace(f, start=s, end=e))
    return out


def _whole_escapes(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow or shrink [start, end) so no backslash escape is cut in two."""
    if start > 0 and _odd_backslashes_before(text, start):
        start -= 1
    if end > start and _odd_backslashes_before(text, end):
        end -= 1
    return start, end


def _odd_backslashes_before(text: str, pos: int) -> bool:
    n = 0
    while pos - n - 1 >= 0 and text[pos - n - 1] == "\\":
        n += 1
    return n % 2 == 1
