"""Where a batch's signatures and band fingerprints live while candidates are found.

:class:`MemorySignatures` holds them in arrays. :class:`SpilledSignatures` writes them to
Parquet files in a work folder, chunk by chunk as they are computed, and reads back one band
column at a time, or two signature chunks at a time for verification, so the working set
stays near the configured memory budget however large the batch is. Both answer the same
three questions, so candidate search runs the same code on either.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from forge_data.dedup.keep import to_numpy
from forge_data.dedup.signatures import band_fingerprints, has_shingles


class MemorySignatures:
    spilled = False

    def __init__(self, sigs: np.ndarray, bands: int, rows: int):
        self.sigs = sigs
        self.fps = band_fingerprints(sigs, bands, rows)
        self.valid = has_shingles(sigs)
        self.n = sigs.shape[0]

    def band(self, j: int) -> np.ndarray:
        return self.fps[:, j]

    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.empty(a.size, dtype=np.float64)
        step = 65536
        for lo in range(0, a.size, step):
            sa, sb = self.sigs[a[lo : lo + step]], self.sigs[b[lo : lo + step]]
            out[lo : lo + step] = (sa == sb).mean(axis=1)
        return out

    def rows(self, idx: np.ndarray) -> np.ndarray:
        return self.sigs[idx]

    def close(self) -> None:
        pass


class SpilledSignatures:
    """Signatures and band fingerprints in Parquet files, one file per chunk of rows."""

    spilled = True

    def __init__(self, bands: int, rows: int, num_perm: int, work_dir: str | None = None):
        self.bands, self.rows_per_band, self.num_perm = bands, rows, num_perm
        self._own_dir = work_dir is None
        base = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="forge-dedup-"))
        base.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix="spill-", dir=base)) if not self._own_dir else base
        self.bounds: list[tuple[int, int]] = []
        self._valid: list[np.ndarray] = []
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self.n = 0

    def append(self, sigs: np.ndarray) -> None:
        """Write the next chunk of rows (in row order)."""
        k = len(self.bounds)
        fps = band_fingerprints(sigs, self.bands, self.rows_per_band)
        cols = {f"b{j}": pa.array(fps[:, j]) for j in range(self.bands)}
        pq.write_table(pa.table(cols), self.dir / f"bands-{k:06d}.parquet")
        flat = pa.FixedSizeBinaryArray.from_buffers(
            pa.binary(4 * self.num_perm), len(sigs), [None, pa.py_buffer(np.ascontiguousarray(sigs))]
        )
        pq.write_table(pa.table({"sig": flat}), self.dir / f"sigs-{k:06d}.parquet")
        self.bounds.append((self.n, self.n + len(sigs)))
        self._valid.append(has_shingles(sigs))
        self.n += len(sigs)

    @property
    def valid(self) -> np.ndarray:
        return np.concatenate(self._valid) if self._valid else np.zeros(0, bool)

    def band(self, j: int) -> np.ndarray:
        parts = [
            to_numpy(pq.read_table(self.dir / f"bands-{k:06d}.parquet", columns=[f"b{j}"]).column(0))
            for k in range(len(self.bounds))
        ]
        return np.concatenate(parts) if parts else np.zeros(0, np.uint64)

    def _chunk(self, k: int) -> np.ndarray:
        if k in self._cache:
            self._cache.move_to_end(k)
            return self._cache[k]
        col = pq.read_table(self.dir / f"sigs-{k:06d}.parquet").column(0).combine_chunks()
        sigs = np.frombuffer(col.buffers()[1], dtype=np.uint32).reshape(-1, self.num_perm)
        self._cache[k] = sigs
        while len(self._cache) > 2:
            self._cache.popitem(last=False)
        return sigs

    def _chunk_of(self, idx: np.ndarray) -> np.ndarray:
        starts = np.array([lo for lo, _ in self.bounds], dtype=np.int64)
        return np.searchsorted(starts, idx, side="right") - 1

    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.empty(a.size, dtype=np.float64)
        ca, cb = self._chunk_of(a), self._chunk_of(b)
        # Visit pairs grouped by (chunk of a, chunk of b): at most two chunks are loaded at once.
        order = np.lexsort((cb, ca))
        keys = ca[order] * (len(self.bounds) + 1) + cb[order]
        cuts = np.flatnonzero(np.diff(keys)) + 1
        for group in np.split(order, cuts):
            if not group.size:
                continue
            ka, kb = int(ca[group[0]]), int(cb[group[0]])
            sa = self._chunk(ka)[a[group] - self.bounds[ka][0]]
            sb = self._chunk(kb)[b[group] - self.bounds[kb][0]]
            out[group] = (sa == sb).mean(axis=1)
        return out

    def rows(self, idx: np.ndarray) -> np.ndarray:
        out = np.empty((idx.size, self.num_perm), dtype=np.uint32)
        chunks = self._chunk_of(idx)
        for k in np.unique(chunks):
            sel = chunks == k
            out[sel] = self._chunk(int(k))[idx[sel] - self.bounds[k][0]]
        return out

    def close(self) -> None:
        self._cache.clear()
        shutil.rmtree(self.dir, ignore_errors=True)
