"""The continued-pretraining corpus: curated records → mixed training rows and a held-out set.

Rows are ``{"text", "kind", "id"}``. The held-out set is chosen per document by a hash of its id
(no seed), so perplexity before and after is always measured on the same documents. Mixing
weights say what share of the training text each kind should have; a kind below its share is
repeated (at most ``max_repeat`` times per document), a kind above it is sampled down. Which
copies are drawn depends only on ``seed`` and the record ids, so a rerun gives the same corpus.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from forge_data.datasets.common import as_rows, estimate_tokens, is_heldout, unit_interval
from forge_data.schema import KINDS, make_quarantine

STAGE = "datasets"


@dataclass
class CptCorpus:
    train: list[dict[str, Any]]
    eval: list[dict[str, Any]]
    stats: dict[str, Any]
    quarantine: list[dict[str, Any]] = field(default_factory=list)


def _reject(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """A quarantine row for a record the corpus cannot use, or None when it is usable."""
    if row.get("kind") not in KINDS:
        reason, detail = "unknown_kind", f"kind {str(row.get('kind'))[:20]!r} is not one of {KINDS}"
    elif not isinstance(row.get("text"), str) or not row["text"].strip():
        reason, detail = "empty_text", "the record has no text to train on"
    elif not row.get("id"):
        reason, detail = "no_id", "the record has no id, so it cannot be split or traced"
    else:
        return None
    return make_quarantine(
        source=str(row.get("source") or ""),
        uri=str(row.get("uri") or ""),
        stage=STAGE,
        reason=reason,
        detail=detail,
        data=row.get("text") if isinstance(row.get("text"), str) else None,
        provenance=row.get("provenance"),
        id=row.get("id") or None,
    )


def _repeat_factors(
    chars: Mapping[str, int], weights: Mapping[str, float], size_factor: float, max_repeat: int
):
    """Copies per document for each kind so that kind k holds ``weights[k]`` of the training text."""
    total = sum(chars.values())
    norm = sum(weights[k] for k in chars)
    return {k: min(weights[k] / norm * total * size_factor / chars[k], float(max_repeat)) for k in chars}


def build_cpt_corpus(
    records: pa.Table | Iterable[Mapping[str, Any]],
    mix: Mapping[str, float],
    holdout_fraction: float = 0.05,
    seed: int = 0,
    *,
    size_factor: float = 1.0,
    max_repeat: int = 4,
) -> CptCorpus:
    """Split records into held-out and training documents, then mix the training ones by kind.

    ``size_factor`` scales the training text relative to the input (1.0 keeps its size);
    ``max_repeat`` bounds how often one document may appear, so a tiny kind with a large
    weight does not become a memorisation exercise.
    """
    unknown = set(mix) - set(KINDS)
    if unknown:
        raise ValueError(f"mixing weights name unknown kinds {sorted(unknown)}; kinds are {KINDS}")
    if any(w < 0 for w in mix.values()) or sum(mix.values()) <= 0:
        raise ValueError("mixing weights must be non-negative with a positive sum")
    if not 0 <= holdout_fraction < 1:
        raise ValueError("holdout_fraction must be in [0, 1)")

    rows = as_rows(records)
    quarantine, heldout, pool = [], [], defaultdict(list)
    for row in rows:
        bad = _reject(row)
        if bad is not None:
            quarantine.append(bad)
        elif is_heldout(row["id"], holdout_fraction):
            heldout.append({"text": row["text"], "kind": row["kind"], "id": row["id"]})
        else:
            pool[row["kind"]].append(row)

    weighted = {k: docs for k, docs in pool.items() if mix.get(k, 0) > 0}
    chars = {k: sum(len(r["text"]) for r in docs) for k, docs in weighted.items()}
    factors = _repeat_factors(chars, mix, size_factor, max_repeat) if chars else {}

    train = []
    for kind, docs in weighted.items():
        whole, frac = math.floor(factors[kind]), factors[kind] % 1
        for row in docs:
            copies = whole + (unit_interval("mix", str(seed), row["id"]) < frac)
            train.extend({"text": row["text"], "kind": kind, "id": row["id"]} for _ in range(copies))
    random.Random(seed).shuffle(train)

    stats = _stats(rows, quarantine, heldout, pool, train, mix, factors)
    return CptCorpus(train=train, eval=heldout, stats=stats, quarantine=quarantine)


def _stats(rows, quarantine, heldout, pool, train, mix, factors) -> dict[str, Any]:
    sampled_ids = {r["id"] for r in train}
    pool_count = sum(len(docs) for docs in pool.values())
    train_chars = Counter()
    for r in train:
        train_chars[r["kind"]] += len(r["text"])
    total_train = sum(train_chars.values()) or 1
    norm = sum(mix.get(k, 0) for k in factors) or 1
    per_kind = {}
    for kind in KINDS:
        docs = pool.get(kind, [])
        per_kind[kind] = {
            "train_documents": len(docs),
            "sampled_documents": sum(1 for r in docs if r["id"] in sampled_ids),
            "heldout_documents": sum(1 for r in heldout if r["kind"] == kind),
            "train_rows": sum(1 for r in train if r["kind"] == kind),
            "train_tokens_est": estimate_tokens(train_chars[kind]),
            "target_share": round(mix.get(kind, 0) / norm, 4) if kind in factors else 0.0,
            "realized_share": round(train_chars[kind] / total_train, 4),
            "repeat_factor": round(factors.get(kind, 0.0), 4),
        }
    return {
        "records_in": len(rows),
        "quarantined": len(quarantine),
        "heldout_documents": len(heldout),
        "train_documents": pool_count,
        "sampled_documents": len(sampled_ids),
        "not_sampled_documents": pool_count - len(sampled_ids),
        "train_rows": len(train),
        "train_tokens_est": sum(estimate_tokens(r["text"]) for r in train),
        "eval_tokens_est": sum(estimate_tokens(r["text"]) for r in heldout),
        "per_kind": per_kind,
    }
