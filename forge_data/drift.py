"""Data drift: how far the data on the store's main has moved from the data a model was trained on.

Four figures, each in [0, 1], each with a threshold in ``keep_current.drift`` of forge.yaml:

- ``js_divergence``: Jensen-Shannon divergence (base 2) between the word distributions;
- ``new_term_share``: of the new data's frequent terms (its top ``frequent_terms`` words occurring at
  least ``min_term_count`` times), the share the old data never uses: new products, services, jargon;
- ``length_shift``: Kolmogorov-Smirnov distance between the distributions of record length in words;
- ``language_shift``: total variation distance between the mixes of the records' ``language`` field
  (programming and natural languages as ingestion tagged them).

Both sides are whole commits (everything the model saw against everything main holds now), so a
small addition to a large corpus moves the figures a little and a large one a lot: the figures say
whether the next model would see materially different data. Above ``sample_records`` records,
both sides are sampled by a hash of the record id, so a record present in both commits is in both
samples or in neither and the sampling adds no drift of its own.

Pure Python on counts; the only text that leaves this module is the short list of new terms, taken
from curated (already redacted) records.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from forge_data.config import DriftConfig
    from forge_data.store import VersionStore

# A word starts with a letter (or underscore) and runs on through letters, digits and underscores,
# so identifiers count as terms and bare numbers do not.
WORD = re.compile(r"[^\W\d]\w*")
UNKNOWN_LANGUAGE = "unknown"
SHOWN_NEW_TERMS = 10


@dataclass
class Profile:
    """What drift is measured on: word counts, record lengths in words, and the language mix."""

    records: int = 0
    terms: Counter[str] = field(default_factory=Counter)
    lengths: list[int] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)

    def add(self, text: str, language: str | None) -> None:
        words = WORD.findall(text.lower())
        self.records += 1
        self.terms.update(words)
        self.lengths.append(len(words))
        self.languages[language or UNKNOWN_LANGUAGE] += 1


def profile(texts: Iterable[str], languages: Iterable[str | None] | None = None) -> Profile:
    out = Profile()
    langs = iter(languages) if languages is not None else None
    for text in texts:
        out.add(text or "", next(langs) if langs is not None else None)
    out.lengths.sort()
    return out


def js_divergence(p: Mapping[str, int], q: Mapping[str, int]) -> float:
    """Jensen-Shannon divergence in bits between two count distributions: 0 identical, 1 disjoint.

    >>> js_divergence({"a": 1}, {"a": 5})
    0.0
    >>> js_divergence({"a": 1}, {"b": 1})
    1.0
    """
    total_p, total_q = sum(p.values()), sum(q.values())
    if not total_p or not total_q:
        return 0.0 if total_p == total_q else 1.0
    acc = 0.0
    for term in p.keys() | q.keys():
        pi, qi = p.get(term, 0) / total_p, q.get(term, 0) / total_q
        mi = (pi + qi) / 2
        if pi:
            acc += pi * math.log2(pi / mi)
        if qi:
            acc += qi * math.log2(qi / mi)
    return min(1.0, max(0.0, acc / 2))


def frequent_terms(counts: Counter[str], top: int, min_count: int) -> list[tuple[str, int]]:
    return [(t, c) for t, c in counts.most_common(top) if c >= min_count]


def new_terms(old: Mapping[str, int], new: Counter[str], top: int, min_count: int) -> tuple[float, list[str]]:
    """The share of the new data's frequent terms that the old data lacks, and those terms (most frequent first).

    >>> new_terms({"pump": 3}, Counter({"pump": 5, "valve": 4}), top=10, min_count=2)
    (0.5, ['valve'])
    """
    frequent = frequent_terms(new, top, min_count)
    if not frequent:
        return 0.0, []
    unseen = [t for t, _ in frequent if not old.get(t)]
    return len(unseen) / len(frequent), unseen


def ks_distance(a: list[int], b: list[int]) -> float:
    """Two-sample Kolmogorov-Smirnov statistic of two SORTED samples: the largest gap between their CDFs.

    >>> ks_distance([1, 2, 3], [1, 2, 3])
    0.0
    >>> ks_distance([1, 1], [9, 9])
    1.0
    """
    if not a or not b:
        return 0.0 if len(a) == len(b) else 1.0
    i = j = 0
    gap = 0.0
    while i < len(a) and j < len(b):
        value = min(a[i], b[j])
        while i < len(a) and a[i] == value:
            i += 1
        while j < len(b) and b[j] == value:
            j += 1
        gap = max(gap, abs(i / len(a) - j / len(b)))
    return gap


def total_variation(p: Mapping[str, int], q: Mapping[str, int]) -> float:
    """Half the L1 distance between two count distributions: the share of mass that moved.

    >>> total_variation({"python": 1, "en": 1}, {"python": 1, "en": 3})
    0.25
    """
    total_p, total_q = sum(p.values()), sum(q.values())
    if not total_p or not total_q:
        return 0.0 if total_p == total_q else 1.0
    return sum(abs(p.get(k, 0) / total_p - q.get(k, 0) / total_q) for k in p.keys() | q.keys()) / 2


FIGURES = {
    # figure -> (threshold field in DriftConfig, words for the steward)
    "js_divergence": ("max_js_divergence", "word distribution divergence"),
    "new_term_share": ("max_new_term_share", "share of new frequent terms"),
    "length_shift": ("max_length_shift", "length distribution shift"),
    "language_shift": ("max_language_shift", "language mix shift"),
}


@dataclass
class DriftReport:
    js_divergence: float
    new_term_share: float
    length_shift: float
    language_shift: float
    thresholds: dict[str, float]
    old_records: int
    new_records: int
    added_records: int = 0
    removed_records: int = 0
    new_terms: list[str] = field(default_factory=list)

    @property
    def exceeded(self) -> list[str]:
        """The figures above their thresholds, in the order of :data:`FIGURES`."""
        return [name for name in FIGURES if getattr(self, name) > self.thresholds[name]]

    def summary(self) -> str:
        """One line a steward reads: every figure against its threshold."""
        parts = []
        for name, (_, words) in FIGURES.items():
            mark = " EXCEEDED" if name in self.exceeded else ""
            parts.append(f"{words} {getattr(self, name):.3f} (max {self.thresholds[name]:.3f}){mark}")
        counts = (
            f"{self.old_records} → {self.new_records} records (+{self.added_records} −{self.removed_records})"
        )
        return f"{counts}; " + "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "exceeded": self.exceeded}


def compare(old: Profile, new: Profile, cfg: DriftConfig) -> DriftReport:
    share, unseen = new_terms(old.terms, new.terms, cfg.frequent_terms, cfg.min_term_count)
    return DriftReport(
        js_divergence=round(js_divergence(old.terms, new.terms), 6),
        new_term_share=round(share, 6),
        length_shift=round(ks_distance(old.lengths, new.lengths), 6),
        language_shift=round(total_variation(old.languages, new.languages), 6),
        thresholds={name: float(getattr(cfg, key)) for name, (key, _) in FIGURES.items()},
        old_records=old.records,
        new_records=new.records,
        new_terms=unseen[:SHOWN_NEW_TERMS],
    )


# --- reading two commits -----------------------------------------------------------------------


def _sampled(ids: list[str], fraction: float) -> list[bool]:
    if fraction >= 1:
        return [True] * len(ids)
    cut = int(fraction * 2**64)
    return [int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "big") < cut for i in ids]


def profile_table(table: pa.Table, fraction: float = 1.0) -> Profile:
    """Profile the records of one commit (``id``, ``text`` and ``language`` columns), sampled by id."""
    if table.num_rows == 0:
        return Profile()
    ids = [str(i) for i in table.column("id").to_pylist()]
    keep = _sampled(ids, fraction)
    texts = table.column("text").to_pylist()
    languages = (
        table.column("language").to_pylist() if "language" in table.column_names else [None] * len(texts)
    )
    return profile(
        (t for t, k in zip(texts, keep, strict=True) if k),
        (lang for lang, k in zip(languages, keep, strict=True) if k),
    )


def drift_between(store: VersionStore, old_ref: str, new_ref: str, cfg: DriftConfig) -> DriftReport:
    """Compare the curated records of two refs of the version store (a model's commit, main's head)."""
    from forge_data.steps.publish import read_records

    old, new = read_records(store, old_ref), read_records(store, new_ref)
    old_ids = set(old.column("id").to_pylist()) if old.num_rows else set()
    new_ids = set(new.column("id").to_pylist()) if new.num_rows else set()
    fraction = min(1.0, cfg.sample_records / max(1, old.num_rows, new.num_rows))
    report = compare(profile_table(old, fraction), profile_table(new, fraction), cfg)
    report.old_records, report.new_records = old.num_rows, new.num_rows
    report.added_records, report.removed_records = len(new_ids - old_ids), len(old_ids - new_ids)
    return report
