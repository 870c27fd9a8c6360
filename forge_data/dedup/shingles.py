"""Shingle hashes for a whole batch of texts at once, with numpy.

Tokens are found and hashed on one byte buffer holding every text, so the per-text Python work
is one ``encode``. A token's hash is a polynomial over its bytes, computed for every token at
once from prefix sums; an n-gram's hash combines its tokens' hashes arithmetically. The result
is one 32-bit value per shingle, the value a ``datasketch.MinHash`` ``hashfunc`` returns;
:class:`ShingleHasher` computes the same value for one shingle in plain Python, so MinHash
objects built by datasketch from the same shingles match ours bit for bit.

Units (``ShingleConfig.unit``):

* ``word``  -- runs of non-space bytes (prose).
* ``token`` -- runs of word bytes (letters, digits, ``_``, any non-ASCII byte) and each
  punctuation byte on its own (code: ``f(x)`` is ``f``, ``(``, ``x``, ``)``).
* ``char``  -- single bytes of the text (character n-grams over UTF-8).

A text with fewer tokens than the n-gram size has one shingle made of all its tokens; a text
with no tokens has none (it can only be an exact duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forge_data.config import ShingleConfig

_U64 = np.uint64
_MASK64 = (1 << 64) - 1
# Odd multipliers: the polynomial base for token bytes and one weight per n-gram position.
_BASE = 0x9E3779B97F4A7C15
_BASE_INV = pow(_BASE, -1, 1 << 64)
_POS = [(0xC2B2AE3D27D4EB4F * (2 * i + 1) + 0x165667B19E3779F9 * i) & _MASK64 | 1 for i in range(32)]

# Byte classes: 0 space, 1 word, 2 punctuation.
_CLASS = np.full(256, 2, dtype=np.uint8)
for _c in b" \t\n\r\x0b\x0c":
    _CLASS[_c] = 0
for _c in b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_":
    _CLASS[_c] = 1
_CLASS[0x80:] = 1
_SEP = b"\n"


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads the weak low bits of polynomial hashes."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK64
    return h ^ (h >> 33)


@dataclass
class Shingles:
    """Shingle hashes of a batch: ``hashes[offsets[i]:offsets[i+1]]`` belong to text ``i``."""

    hashes: np.ndarray  # uint32
    offsets: np.ndarray  # int64, len n + 1

    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)


def _token_bounds(cls: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) byte positions of every token in the buffer."""
    n = cls.size
    if unit == "char":
        pos = np.flatnonzero(cls != 3)  # separators are class 3 in char mode
        return pos, pos + 1
    if unit == "word":
        tok = cls != 0
        prev = np.concatenate(([False], tok[:-1]))
        nxt = np.concatenate((tok[1:], [False]))
        return np.flatnonzero(tok & ~prev), np.flatnonzero(tok & ~nxt) + 1
    word = cls == 1
    punct = cls == 2
    prev = np.concatenate(([False], word[:-1])) if n else word
    nxt = np.concatenate((word[1:], [False])) if n else word
    starts = np.flatnonzero((word & ~prev) | punct)
    ends = np.flatnonzero((word & ~nxt) | punct) + 1
    return starts, ends


_POWER_CACHE_MAX = 1 << 21  # positions; two uint64 tables of 16 MB at most
_powers_cache: tuple[np.ndarray, np.ndarray] | None = None


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i mod 2**64 for i < n (cached up to a bound: batches reuse them)."""
    global _powers_cache
    if _powers_cache is not None and _powers_cache[0].size >= n:
        return _powers_cache[0][:n], _powers_cache[1][:n]
    size = min(max(n, 1 << 16), _POWER_CACHE_MAX) if n <= _POWER_CACHE_MAX else n
    with np.errstate(over="ignore"):
        powers = np.full(size, _BASE, dtype=_U64)
        powers[0] = 1
        powers = np.cumprod(powers, dtype=_U64)
        inv = np.full(size, _BASE_INV, dtype=_U64)
        inv[0] = 1
        inv = np.cumprod(inv, dtype=_U64)
    if size <= _POWER_CACHE_MAX:
        _powers_cache = (powers, inv)
    return powers[:n], inv[:n]


def _token_hashes(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """sum(byte[s + j] + 1) * BASE**j over each token, mod 2**64, then mixed."""
    powers, inv = _powers(buf.size)
    with np.errstate(over="ignore"):
        prefix = np.concatenate(([_U64(0)], np.cumsum((buf.astype(_U64) + _U64(1)) * powers, dtype=_U64)))
        raw = (prefix[ends] - prefix[starts]) * inv[starts]
    return fmix64(raw)


def batch_shingles(texts: list[str], cfg: ShingleConfig) -> Shingles:
    """Shingle hashes of every text, in order."""
    count = len(texts)
    if count == 0:
        return Shingles(np.zeros(0, np.uint32), np.zeros(1, np.int64))
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=count)
    # Text i occupies [begin[i], begin[i] + lengths[i]); one separator byte follows each text.
    begin = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    buf = np.frombuffer(_SEP.join(encoded) + _SEP, dtype=np.uint8)
    cls = _CLASS[buf]
    if cfg.unit == "char":
        cls = np.ones_like(cls)
        cls[begin + lengths] = 3
    starts, ends = _token_bounds(cls, cfg.unit)
    token_doc = np.searchsorted(begin, starts, side="right") - 1
    th = _token_hashes(buf, starts, ends)
    return _ngrams(th, token_doc, count, cfg.size)


def _ngrams(th: np.ndarray, token_doc: np.ndarray, count: int, size: int) -> Shingles:
    ntok = np.bincount(token_doc, minlength=count)
    t = th.size
    with np.errstate(over="ignore"):
        if t >= size:
            k = t - size + 1
            acc = th[:k] * _U64(_POS[0])
            for i in range(1, size):
                acc = acc + th[i : i + k] * _U64(_POS[i])
            valid = token_doc[:k] == token_doc[size - 1 : size - 1 + k]
            full_h, full_doc = acc[valid], token_doc[:k][valid]
        else:
            full_h, full_doc = np.zeros(0, _U64), np.zeros(0, np.int64)
        # Texts shorter than one n-gram: a single shingle of all their tokens.
        short = np.flatnonzero((ntok > 0) & (ntok < size))
        if short.size:
            tok_start = np.concatenate(([0], np.cumsum(ntok)[:-1]))
            short_h = np.zeros(short.size, _U64)
            for i in range(size - 1):
                take = ntok[short] > i
                idx = tok_start[short[take]] + i
                short_h[take] += th[idx] * _U64(_POS[i])
            all_h = np.concatenate((full_h, short_h))
            all_doc = np.concatenate((full_doc, short))
            order = np.argsort(all_doc, kind="stable")
            full_h, full_doc = all_h[order], all_doc[order]
    hashes = (fmix64(full_h) >> _U64(32)).astype(np.uint32)
    offsets = np.zeros(count + 1, np.int64)
    np.cumsum(np.bincount(full_doc, minlength=count), out=offsets[1:])
    return Shingles(hashes, offsets)


class ShingleHasher:
    """The per-shingle hash in plain Python, usable as a datasketch ``MinHash`` ``hashfunc``.

    Call it with a tuple of token byte strings (see :func:`tokens`).
    """

    def __call__(self, shingle: tuple[bytes, ...]) -> int:
        acc = 0
        for i, tok in enumerate(shingle):
            raw, power = 0, 1
            for byte in tok:
                raw = (raw + (byte + 1) * power) & _MASK64
                power = (power * _BASE) & _MASK64
            acc = (acc + _fmix64_int(raw) * _POS[i]) & _MASK64
        return _fmix64_int(acc) >> 32


def tokens(text: str, unit: str) -> list[bytes]:
    """The tokens :func:`batch_shingles` finds in one text (reference, for tests and datasketch)."""
    data = text.encode("utf-8", "surrogatepass")
    if unit == "char":
        return [bytes([b]) for b in data]
    cls = _CLASS[np.frombuffer(data + _SEP, dtype=np.uint8)]
    starts, ends = _token_bounds(cls, unit)
    return [data[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def shingle_tuples(text: str, cfg: ShingleConfig) -> list[tuple[bytes, ...]]:
    toks = tokens(text, cfg.unit)
    if not toks:
        return []
    if len(toks) < cfg.size:
        return [tuple(toks)]
    return [tuple(toks[i : i + cfg.size]) for i in range(len(toks) - cfg.size + 1)]
