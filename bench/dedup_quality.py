"""Dedup quality against ground truth: precision, recall and F1 at thresholds 0.7 and 0.8.

    python -m bench.dedup_quality [--docs 3000] [--copies 1400]

Corpus: ``--docs`` real ~1 KB documents (see bench/dedup_corpus.py) plus ``--copies`` edited
copies of random documents, at known word-edit rates (substitute / delete / insert).
Ground truth: exact Jaccard of every pair's word 5-gram sets (the shingles dedup uses, on the
same normalised text), all pairs, by sparse matrix product. Two documents are true duplicates
at threshold t when a chain of pairs with Jaccard >= t links them (the connected components
of the Jaccard >= t graph, which is what a clustering dedup can be asked to reproduce).

Scored: pairs of documents placed in one cluster, against pairs in one true component.
Side by side: Forge's deduplicate() and stock datasketch (MinHash.bulk + MinHashLSH at the
same threshold, candidates joined with union-find, no verification).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict

import numpy as np
import pyarrow as pa
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from bench.dedup_corpus import documents, edit_words

EDIT_RATES = (0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2)


def build_corpus(n_docs: int, n_copies: int, seed: int) -> tuple[list[str], list[tuple[int, float]]]:
    rng = random.Random(seed)
    texts = [t for _, t in documents(n_docs, seed=seed)]
    vocab = sorted({w for t in texts[:500] for w in t.split()})
    copies = []
    for k in range(n_copies):
        src = rng.randrange(n_docs)
        rate = EDIT_RATES[k % len(EDIT_RATES)]
        texts.append(edit_words(texts[src], rate, vocab, rng))
        copies.append((src, rate))
    return texts, copies


def shingle_sets(texts: list[str]) -> list[set[tuple[str, ...]]]:
    from forge_data.config import DedupConfig
    from forge_data.dedup.normalize import normalize

    cfg = DedupConfig()
    out = []
    for t in texts:
        words = normalize(t, cfg).split()
        if len(words) < 5:
            out.append({tuple(words)} if words else set())
        else:
            out.append({tuple(words[i : i + 5]) for i in range(len(words) - 4)})
    return out


def jaccard_matrix(sets: list[set]) -> sparse.coo_matrix:
    """Exact Jaccard of every pair that shares a shingle (upper triangle)."""
    ids: dict[tuple, int] = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for sh in s:
            rows.append(i)
            cols.append(ids.setdefault(sh, len(ids)))
    x = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(sets), len(ids)))
    inter = sparse.triu(x @ x.T, k=1).tocoo()
    sizes = np.array([len(s) for s in sets], dtype=np.float64)
    union = sizes[inter.row] + sizes[inter.col] - inter.data
    return sparse.coo_matrix((inter.data / union, (inter.row, inter.col)), shape=inter.shape)


def labels_at(jac: sparse.coo_matrix, t: float) -> np.ndarray:
    keep = jac.data >= t - 1e-12
    g = sparse.coo_matrix((np.ones(keep.sum()), (jac.row[keep], jac.col[keep])), shape=jac.shape)
    return connected_components(g, directed=False)[1]


def same_cluster_pairs(labels) -> set[tuple[int, int]]:
    groups = defaultdict(list)
    for i, c in enumerate(labels):
        groups[c].append(i)
    return {(a, b) for m in groups.values() if len(m) > 1 for i, a in enumerate(m) for b in m[i + 1 :]}


def score(pred: set, truth: set) -> dict:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "true_pairs": len(truth),
        "predicted_pairs": len(pred),
    }


def forge_labels(texts: list[str], t: float) -> list[str]:
    from forge_data.config import DedupConfig
    from forge_data.dedup import deduplicate

    table = pa.table({"id": [f"d{i}" for i in range(len(texts))], "text": texts})
    return deduplicate(table, DedupConfig(threshold=t)).table.column("cluster_id").to_pylist()


def datasketch_labels(texts: list[str], sets: list[set], t: float) -> np.ndarray:
    from datasketch import MinHash, MinHashLSH

    from forge_data.dedup.unionfind import UnionFind

    mhs = MinHash.bulk([[" ".join(s).encode() for s in shingles] for shingles in sets], num_perm=128)
    lsh = MinHashLSH(threshold=t, num_perm=128)
    uf = UnionFind(len(texts))
    for i, m in enumerate(mhs):
        hits = [int(k) for k in lsh.query(m)]
        if hits:
            uf.union(np.full(len(hits), i), np.array(hits))
        lsh.insert(str(i), m)
    return uf.roots()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--copies", type=int, default=1400)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    texts, copies = build_corpus(args.docs, args.copies, args.seed)
    sets = shingle_sets(texts)
    jac = jaccard_matrix(sets).tocsr()
    report = {"docs": len(texts), "base_docs": args.docs, "injected_copies": len(copies), "thresholds": {}}
    by_rate = defaultdict(list)
    for k, (src, rate) in enumerate(copies):
        i, j = sorted((src, args.docs + k))
        by_rate[rate].append((i, j, float(jac[i, j])))
    jac = jac.tocoo()
    for t in (0.7, 0.8):
        truth = same_cluster_pairs(labels_at(jac, t))
        ours = forge_labels(texts, t)
        peer = datasketch_labels(texts, sets, t)
        per_rate = {}
        for rate, pairs in sorted(by_rate.items()):
            true_dups = [(i, j) for i, j, jv in pairs if jv >= t]
            per_rate[str(rate)] = {
                "mean_jaccard": round(float(np.mean([jv for _, _, jv in pairs])), 3),
                "true_duplicates": len(true_dups),
                "forge_found": sum(ours[i] == ours[j] for i, j in true_dups),
                "datasketch_found": int(sum(peer[i] == peer[j] for i, j in true_dups)),
            }
        report["thresholds"][str(t)] = {
            "forge": score(same_cluster_pairs(ours), truth),
            "datasketch_lsh": score(same_cluster_pairs(peer), truth),
            "injected_copies_by_edit_rate": per_rate,
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
