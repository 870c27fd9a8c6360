"""Union-find over integer nodes, applied to whole arrays of edges at once."""

from __future__ import annotations

import numpy as np


class UnionFind:
    """Disjoint sets of ``0..n-1``; every set's root is its smallest member.

    Smallest-member roots make the final partition independent of the order in which edges
    arrive, so the in-memory and the spilled band-by-band paths give the same clusters.
    """

    def __init__(self, n: int):
        self.parent = np.arange(n, dtype=np.int64)

    def find(self, nodes: np.ndarray) -> np.ndarray:
        """Roots of ``nodes``, compressing every path on the way (pointer jumping)."""
        parent = self.parent
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent[:] = grand
        return parent[nodes]

    def union(self, a: np.ndarray, b: np.ndarray) -> None:
        """Join the sets of ``a[i]`` and ``b[i]`` for every i."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        while a.size:
            ra, rb = self.find(a), self.find(b)
            differ = ra != rb
            if not differ.any():
                return
            ra, rb = ra[differ], rb[differ]
            lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
            # Several edges may point one root at different sets; the smallest wins this round
            # and the rest are retried against the new roots.
            np.minimum.at(self.parent, hi, lo)
            a, b = lo, hi

    def same(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self.find(a) == self.find(b)

    def roots(self) -> np.ndarray:
        return self.find(np.arange(self.parent.size))
