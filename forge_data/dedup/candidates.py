"""Near-duplicate components: LSH band buckets give candidate pairs, signatures confirm them.

Bands are processed one at a time, so only one band column of fingerprints is in memory at
once; pairs already joined by an earlier band are not verified again.
"""

from __future__ import annotations

import numpy as np

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


def near_components(store, bands: int, threshold: float, verify: bool) -> tuple[UnionFind, dict]:
    """Union-find over the store's rows, joined by (verified) band collisions."""
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
        if verify and a.size:
            ok = store.similarity(a, b) >= threshold
            a, b = a[ok], b[ok]
        verified += int(a.size)
        uf.union(a, b)
    return uf, {"candidate_pairs": candidates, "verified_pairs": verified}
