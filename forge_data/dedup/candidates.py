"""Near-duplicate components: LSH band buckets give candidate pairs, signatures confirm them.

Bands are processed one at a time, so only one band column of fingerprints is in memory at
once; pairs already joined by an earlier band are not verified again.
"""

from __future__ import annotations

import numpy as np

from forge_data.dedup.shingles import batch_shingles
from forge_data.dedup.unionfind import UnionFind


def bucket_pairs(fps: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs from one band: rows that share a fingerprint.

    Each bucket yields its first row paired with every other member, and each member paired
    with the next, so a member that differs from the bucket's first row can still join a
    neighbour it does resemble.
    """
    rows = np.flatnonzero(valid)
    if rows.size < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = rows[np.argsort(fps[rows], kind="stable")]
    keys = fps[order]
    same = keys[1:] == keys[:-1]
    if not same.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.concatenate(([True], ~same))
    anchor = order[np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))]
    members = np.flatnonzero(~starts)
    a = np.concatenate((anchor[members], order[members - 1]))
    b = np.concatenate((order[members], order[members]))
    keep = a != b
    a, b = a[keep], b[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pairs = np.unique(lo * (rows.max() + 1) + hi)
    return pairs // (rows.max() + 1), pairs % (rows.max() + 1)


class ExactJaccard:
    """Exact Jaccard of candidate pairs, from their shingle hash sets.

    Shingles are recomputed for the rows a band's candidates involve, and dropped after, so
    verification needs no more memory than one band's candidates.
    """

    def __init__(self, texts: list[str], is_code: np.ndarray, rows: np.ndarray, cfg):
        self.texts, self.is_code, self.rows, self.cfg = texts, is_code, rows, cfg

    def _sets(self, local: np.ndarray) -> dict[int, np.ndarray]:
        out: dict[int, np.ndarray] = {}
        for code in (False, True):
            sel = local[self.is_code[self.rows[local]] == code]
            if not sel.size:
                continue
            cfg = self.cfg.code_shingles if code else self.cfg.prose_shingles
            sh = batch_shingles([self.texts[i] for i in self.rows[sel]], cfg)
            for k, row in enumerate(sel.tolist()):
                out[row] = np.unique(sh.hashes[sh.offsets[k] : sh.offsets[k + 1]])
        return out

    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        sets = self._sets(np.unique(np.concatenate((a, b))))
        out = np.empty(a.size, dtype=np.float64)
        for k, (i, j) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
            x, y = sets[i], sets[j]
            inter = np.intersect1d(x, y, assume_unique=True).size
            union = x.size + y.size - inter
            out[k] = inter / union if union else 1.0
        return out


def near_components(store, bands: int, threshold: float, verifier=None) -> tuple[UnionFind, dict]:
    """Union-find over the store's rows, joined by band collisions that ``verifier`` confirms.

    ``verifier.similarity(a, b)`` gives each candidate pair's similarity; without a verifier
    every collision joins.
    """
    uf = UnionFind(store.n)
    valid = store.valid
    candidates = verified = 0
    for j in range(bands):
        a, b = bucket_pairs(store.band(j), valid)
        if not a.size:
            continue
        fresh = ~uf.same(a, b)
        a, b = a[fresh], b[fresh]
        candidates += int(a.size)
        if verifier is not None and a.size:
            ok = verifier.similarity(a, b) >= threshold - 1e-12
            a, b = a[ok], b[ok]
        verified += int(a.size)
        uf.union(a, b)
    return uf, {"candidate_pairs": candidates, "verified_pairs": verified}
