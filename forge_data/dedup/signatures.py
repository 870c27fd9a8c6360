"""MinHash signatures for many texts at once, bit-compatible with datasketch.

datasketch's default scheme ("affine32") mixes each 32-bit shingle hash with MurmurHash3's
finaliser and applies ``a_k * h + b_k mod 2**32`` for every permutation ``k``. We take the
permutation parameters from datasketch itself and apply all of them to a chunk of shingles as
one matrix operation, then min-reduce per text, so a row of our signature equals
``MinHash(num_perm, seed, hashfunc=ShingleHasher())`` fed the same shingles, and rows can go
into ``MinHashLSH`` as :func:`to_lean_minhash` objects.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from forge_data.config import ShingleConfig
from forge_data.dedup.shingles import Shingles, batch_shingles

EMPTY = np.uint32(0xFFFFFFFF)
SCHEME = "affine32"
# Shingles per matrix chunk: a chunk's (rows x num_perm) uint32 block stays in cache.
_CHUNK = 1024
_BATCH_CHARS = 1 << 18


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)) -> tuple[int, int]:
    """(bands, rows) from datasketch's own optimiser, for (false-positive, false-negative) weights."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, weights[0], weights[1])


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures_from_shingles(sh: Shingles, num_perm: int, seed: int) -> np.ndarray:
    """(n, num_perm) uint32 signatures; a text without shingles gets an all-``EMPTY`` row."""
    a, b = permutations(num_perm, seed)
    n = sh.offsets.size - 1
    out = np.full((n, num_perm), EMPTY, dtype=np.uint32)
    hv = _fmix32(sh.hashes)
    counts = sh.counts()
    doc_of = np.repeat(np.arange(n), counts)
    buf = np.empty((_CHUNK, num_perm), dtype=np.uint32)
    total = hv.size
    for lo in range(0, total, _CHUNK):
        hi = min(lo + _CHUNK, total)
        block = buf[: hi - lo]
        np.multiply(hv[lo:hi, None], a[None, :], out=block)
        np.add(block, b[None, :], out=block)
        docs = doc_of[lo:hi]
        # Segment starts inside the chunk: one per text present in it.
        seg = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
        mins = np.minimum.reduceat(block, seg, axis=0)
        rows = docs[seg]
        out[rows] = np.minimum(out[rows], mins)
    return out


def signatures(texts: list[str], shingle_cfg: ShingleConfig, num_perm: int, seed: int) -> np.ndarray:
    """(len(texts), num_perm) signatures, computed over batches of about ``_BATCH_CHARS`` characters.

    Shingling holds several 8-byte arrays per input byte, so batching bounds its memory (and
    keeps the arrays cache-friendly) whatever the corpus size.
    """
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    lo = 0
    while lo < len(texts):
        hi, size = lo, 0
        while hi < len(texts) and (hi == lo or size + len(texts[hi]) <= _BATCH_CHARS):
            size += len(texts[hi])
            hi += 1
        out[lo:hi] = signatures_from_shingles(batch_shingles(texts[lo:hi], shingle_cfg), num_perm, seed)
        lo = hi
    return out


def has_shingles(sigs: np.ndarray) -> np.ndarray:
    """Rows that came from at least one shingle (an empty text's row is all ``EMPTY``)."""
    return (sigs != EMPTY).any(axis=1)


def band_fingerprints(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64: one 64-bit fingerprint per band, for bucketing.

    Two rows share a fingerprint when their band's ``rows`` values are equal (up to 64-bit
    collisions, which candidate verification absorbs).
    """
    n = sigs.shape[0]
    out = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(bands):
            acc = np.full(n, np.uint64(0x84222325CBF29CE4), dtype=np.uint64)
            for v in sigs[:, j * rows : (j + 1) * rows].T:
                acc = (acc ^ v.astype(np.uint64)) * np.uint64(0x100000001B3)
            out[:, j] = acc ^ (acc >> np.uint64(29))
    return out


def to_lean_minhash(sig: np.ndarray, seed: int):
    """A datasketch ``LeanMinHash`` holding one signature row."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=sig, scheme=SCHEME)


def estimated_jaccard(sigs_a: np.ndarray, sigs_b: np.ndarray) -> np.ndarray:
    """Row-wise share of equal signature values (MinHash's Jaccard estimate)."""
    return (sigs_a == sigs_b).mean(axis=1)
