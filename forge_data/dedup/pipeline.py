"""deduplicate(): exact then MinHash near-duplicates, clustered, one member kept per cluster.

Steps: normalise and hash every text (exact duplicates share a key); sign one text per key
with MinHash, shingled by kind (code vs prose); find near-duplicate components band by band
(in memory, or spilled to Parquet above the memory budget); pick each cluster's keeper by the
keep policy; if an index of published data is given, resolve every cluster against it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from forge_data.config import DedupConfig
from forge_data.dedup.candidates import ExactJaccard, near_components
from forge_data.dedup.index import ClusterProbe, IndexParams, LshIndex
from forge_data.dedup.keep import keepers, preference
from forge_data.dedup.normalize import exact_key, normalize
from forge_data.dedup.report import dedup_stats
from forge_data.dedup.signatures import lsh_params, signatures
from forge_data.dedup.sigstore import MemorySignatures, SpilledSignatures
from forge_data.dedup.unionfind import UnionFind

# Multiplier on a signed text's signature + fingerprint bytes for the working copies (sorting, masks).
_OVERHEAD = 3


@dataclass
class DedupResult:
    table: pa.Table
    stats: dict[str, Any]


def index_params(cfg: DedupConfig) -> IndexParams:
    bands, rows = lsh_params(cfg.threshold, cfg.num_perm, tuple(cfg.lsh_weights))
    return IndexParams(
        num_perm=cfg.num_perm,
        seed=cfg.seed,
        bands=bands,
        rows=rows,
        threshold=cfg.threshold,
        shingles={
            "prose": cfg.prose_shingles.model_dump(),
            "code": cfg.code_shingles.model_dump(),
            "normalise": [cfg.lowercase, cfg.collapse_whitespace, cfg.strip_punctuation],
        },
    )


def new_index(cfg: DedupConfig) -> LshIndex:
    """An empty in-memory index for data deduplicated with ``cfg``."""
    return LshIndex(index_params(cfg))


def _check_input(records: pa.Table) -> None:
    for name in ("id", "text"):
        if name not in records.column_names:
            raise ValueError(f"records need an {name!r} column")
        if records.column(name).null_count:
            raise ValueError(f"{records.column(name).null_count} records have no {name!r}")
    if len(records.column("id").unique()) != records.num_rows:
        raise ValueError("record ids are not unique")


def _sign(texts: list[str], is_code: np.ndarray, cfg: DedupConfig, rows: np.ndarray) -> np.ndarray:
    """Signatures of ``texts[rows]``, each shingled by its kind."""
    out = np.empty((rows.size, cfg.num_perm), np.uint32)
    for code in (False, True):
        sel = np.flatnonzero(is_code[rows] == code)
        if sel.size:
            shingle_cfg = cfg.code_shingles if code else cfg.prose_shingles
            out[sel] = signatures([texts[i] for i in rows[sel]], shingle_cfg, cfg.num_perm, cfg.seed)
    return out


def _signature_store(texts, is_code, reps, cfg: DedupConfig, bands: int, rows: int):
    per_row = cfg.num_perm * 4 + bands * 8
    budget = int(cfg.memory_budget_mb * 1024 * 1024)
    if reps.size * per_row * _OVERHEAD <= budget:
        return MemorySignatures(_sign(texts, is_code, cfg, reps), bands, rows)
    store = SpilledSignatures(bands, rows, cfg.num_perm, cfg.work_dir)
    chunk = max(1, budget // (per_row * _OVERHEAD))
    for lo in range(0, reps.size, chunk):
        store.append(_sign(texts, is_code, cfg, reps[lo : lo + chunk]))
    return store


def deduplicate(records: pa.Table, cfg: DedupConfig | None = None, *, index=None) -> DedupResult:
    """Mark every record kept or duplicate; see :class:`DedupResult` and the module doc.

    With ``index`` (an :class:`LshIndex` or a ``RedisIndex``), clusters that match published
    data become duplicates of it, and the others are added to the index.
    """
    cfg = cfg or DedupConfig()
    started = time.perf_counter()
    _check_input(records)
    n = records.num_rows
    ids = [str(i) for i in records.column("id").to_pylist()]
    texts = [normalize(t, cfg) for t in records.column("text").to_pylist()]
    kinds = records.column("kind").to_pylist() if "kind" in records.column_names else [None] * n
    is_code = np.array([k == "code" for k in kinds], dtype=bool)

    # Exact duplicates: rows with the same key join the first row holding it.
    keys = [exact_key(t) for t in texts]
    first_of: dict[bytes, int] = {}
    exact_rep = np.empty(n, np.int64)
    for i, key in enumerate(keys):
        exact_rep[i] = first_of.setdefault(key, i) if cfg.exact else i
    reps = np.flatnonzero(exact_rep == np.arange(n))

    bands, rows = lsh_params(cfg.threshold, cfg.num_perm, tuple(cfg.lsh_weights))
    near_stats: dict[str, Any] = {"candidate_pairs": 0, "verified_pairs": 0}
    uf = UnionFind(n)
    uf.union(np.arange(n), exact_rep)
    store = None
    if cfg.near or index is not None:
        store = _signature_store(texts, is_code, reps, cfg, bands, rows)
    try:
        if cfg.near and store is not None:
            verifier = ExactJaccard(texts, is_code, reps, cfg) if cfg.verify == "exact" else store
            rep_uf, near_stats = near_components(
                store, bands, cfg.threshold, verifier if cfg.verify != "none" else None
            )
            uf.union(reps, reps[rep_uf.roots()])
        root = uf.roots()
        keep_row = keepers(root, preference(records, cfg))
        matches = _resolve(index, cfg, ids, keys, reps, root, keep_row, store) if index is not None else {}
    finally:
        if store is not None:
            store.close()

    table, counts = _annotate(records, ids, keys, keep_row, matches)
    stats = dedup_stats(table, counts, cfg.max_example_clusters)
    stats.update(
        near_stats,
        num_perm=cfg.num_perm,
        bands=bands,
        rows=rows,
        threshold=cfg.threshold,
        spilled=bool(store is not None and store.spilled),
        index_matches=len(matches),
        seconds=round(time.perf_counter() - started, 3),
    )
    return DedupResult(table, stats)


def _resolve(index, cfg, ids, keys, reps, root, keep_row, store) -> dict[int, Any]:
    """Resolve every cluster against the index; returns {keeper row: Match} for matched ones."""
    index.params.check(index_params(cfg))
    rep_root = root[reps]
    order = np.argsort(rep_root, kind="stable")
    cuts = np.flatnonzero(np.diff(rep_root[order])) + 1
    groups = np.split(order, cuts) if order.size else []
    probes, keeper_rows = [], []
    for group in groups:
        members = reps[group]
        k = int(keep_row[members[0]])
        sig = store.rows(np.searchsorted(reps, members))
        probes.append(
            ClusterProbe(
                keeper_id=ids[k],
                cluster_id=ids[k],
                ids=[ids[m] for m in members],
                exact_keys=[keys[m] for m in members],
                sigs=sig,
                valid=(sig != np.uint32(0xFFFFFFFF)).any(axis=1),
            )
        )
        keeper_rows.append(k)
    results = index.resolve(probes, cfg.threshold, cfg.verify != "none")
    return {k: m for k, m in zip(keeper_rows, results, strict=True) if m is not None}


def _annotate(records, ids, keys, keep_row, matches) -> tuple[pa.Table, dict[str, int]]:
    n = len(ids)
    cluster, dup_of, keep, dup_type = [None] * n, [None] * n, [False] * n, [None] * n
    exact = near = 0
    for i in range(n):
        k = int(keep_row[i])
        match = matches.get(k)
        if match is not None:
            cluster[i], dup_of[i] = match.cluster_id, match.keeper_id
            dup_type[i] = "exact" if keys[i] == match.exact_key else "near"
        else:
            cluster[i] = ids[k]
            if i == k:
                keep[i] = True
                continue
            dup_of[i] = ids[k]
            dup_type[i] = "exact" if keys[i] == keys[k] else "near"
        if dup_type[i] == "exact":
            exact += 1
        else:
            near += 1
    table = set_columns(
        records,
        [
            ("cluster_id", cluster, pa.string()),
            ("duplicate_of", dup_of, pa.string()),
            ("keep", keep, pa.bool_()),
            ("dup_type", dup_type, pa.string()),
        ],
    )
    return table, {"exact_duplicates": exact, "near_duplicates": near}


def set_columns(table: pa.Table, columns: list[tuple[str, list, pa.DataType]]) -> pa.Table:
    """``table`` with each (name, values, type) appended, replacing a column of that name."""
    for name, values, typ in columns:
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(pa.field(name, typ), pa.array(values, typ))
    return table
