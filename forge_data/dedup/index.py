"""The dedup index of published data, so a new batch is checked against it, not the corpus again.

An index holds, for every distinct text of every kept cluster, its exact key, its MinHash
signature (and so its band fingerprints), and the id of the cluster's kept record. A batch is
first deduplicated on its own; then each of its clusters is *resolved* against the index:
either some member matches an indexed text (exactly, or near: same band bucket and verified
similarity) and the whole cluster becomes a duplicate of that published record, or nothing
matches and the cluster's members are added to the index under its own kept record.

:class:`LshIndex` lives in memory and is saved to / loaded from a folder of Parquet;
:class:`forge_data.dedup.redis_index.RedisIndex` keeps the same data in Redis so several
workers share it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from forge_data.dedup.keep import to_numpy
from forge_data.dedup.signatures import band_fingerprints

INDEX_FORMAT = 1


@dataclass
class ClusterProbe:
    """One cluster of a batch, as the index sees it: its distinct texts and its kept record."""

    keeper_id: str
    cluster_id: str
    ids: list[str]
    exact_keys: list[bytes]
    sigs: np.ndarray  # (k, num_perm) uint32
    valid: np.ndarray  # (k,) rows that have shingles


@dataclass(frozen=True)
class Match:
    keeper_id: str
    cluster_id: str
    dup_type: str  # exact | near: how the cluster met the index
    exact_key: bytes | None = None  # the published text's key, when some member equals it


@dataclass
class IndexParams:
    num_perm: int
    seed: int
    bands: int
    rows: int
    threshold: float
    shingles: dict = field(default_factory=dict)

    def check(self, other: IndexParams) -> None:
        """Signatures from different settings are not comparable; refuse rather than mis-match."""
        mine, theirs = self.__dict__, other.__dict__
        diff = [k for k in mine if k != "threshold" and mine[k] != theirs[k]]
        if diff:
            raise ValueError(f"dedup index was built with different settings: {diff}")


class LshIndex:
    """In-memory index; :meth:`save` / :meth:`load` keep it as Parquet in a folder."""

    def __init__(self, params: IndexParams):
        self.params = params
        self.ids: list[str] = []
        self.keepers: list[str] = []
        self.clusters: list[str] = []
        self.exact: dict[bytes, int] = {}
        self.sigs = np.zeros((0, params.num_perm), np.uint32)
        self.valid = np.zeros(0, bool)
        self._bands: list[tuple[np.ndarray, np.ndarray]] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    # --- lookup ---------------------------------------------------------------------------

    def _band_tables(self) -> list[tuple[np.ndarray, np.ndarray]]:
        if self._bands is None:
            fps = band_fingerprints(self.sigs, self.params.bands, self.params.rows)
            rows = np.flatnonzero(self.valid)
            self._bands = []
            for j in range(self.params.bands):
                order = rows[np.argsort(fps[rows, j], kind="stable")]
                self._bands.append((fps[order, j], order))
        return self._bands

    def _near(self, sigs: np.ndarray, valid: np.ndarray, threshold: float, verify: bool) -> np.ndarray:
        """For each query row, the first indexed entry it near-duplicates, or -1."""
        best = np.full(sigs.shape[0], -1, np.int64)
        if not len(self) or not valid.any():
            return best
        fps = band_fingerprints(sigs, self.params.bands, self.params.rows)
        qa, qb = [], []
        for j, (keys, entries) in enumerate(self._band_tables()):
            lo = np.searchsorted(keys, fps[:, j], side="left")
            hi = np.searchsorted(keys, fps[:, j], side="right")
            counts = np.where(valid, hi - lo, 0)
            if not counts.any():
                continue
            q = np.repeat(np.arange(sigs.shape[0]), counts)
            pos = np.repeat(lo, counts) + (
                np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            )
            qa.append(q)
            qb.append(entries[pos])
        if not qa:
            return best
        q, e = np.concatenate(qa), np.concatenate(qb)
        pair = np.unique(q * (len(self) + 1) + e)
        q, e = pair // (len(self) + 1), pair % (len(self) + 1)
        if verify:
            ok = (sigs[q] == self.sigs[e]).mean(axis=1) >= threshold
            q, e = q[ok], e[ok]
        # Pairs are sorted by query then entry: the first per query is the earliest indexed entry.
        first = np.concatenate(([True], q[1:] != q[:-1])) if q.size else q.astype(bool)
        best[q[first]] = e[first]
        return best

    def resolve(
        self, probes: list[ClusterProbe], threshold: float, verify: bool = True
    ) -> list[Match | None]:
        """Match each cluster against the index; add the unmatched ones. See the module doc."""
        if not probes:
            return []
        sizes = [len(p.ids) for p in probes]
        sigs = np.concatenate([p.sigs for p in probes])
        valid = np.concatenate([p.valid for p in probes])
        near = self._near(sigs, valid, threshold, verify)
        out: list[Match | None] = []
        start = 0
        for probe, size in zip(probes, sizes, strict=True):
            match = None
            for key in probe.exact_keys:
                if key in self.exact:
                    e = self.exact[key]
                    match = Match(self.keepers[e], self.clusters[e], "exact", key)
                    break
            if match is None:
                hits = near[start : start + size]
                hit = hits[hits >= 0]
                if hit.size:
                    e = int(hit[0])
                    match = Match(self.keepers[e], self.clusters[e], "near")
            out.append(match)
            start += size
        self.add([p for p, m in zip(probes, out, strict=True) if m is None])
        return out

    # --- growth and persistence ------------------------------------------------------------

    def add(self, probes: list[ClusterProbe]) -> None:
        if not probes:
            return
        base = len(self)
        for p in probes:
            for i, key in zip(p.ids, p.exact_keys, strict=True):
                self.exact.setdefault(key, len(self.ids))
                self.ids.append(i)
                self.keepers.append(p.keeper_id)
                self.clusters.append(p.cluster_id)
        self.sigs = np.concatenate([self.sigs] + [p.sigs for p in probes])
        self.valid = np.concatenate([self.valid] + [p.valid for p in probes])
        assert self.sigs.shape[0] == len(self.ids) == base + sum(len(p.ids) for p in probes)
        self._bands = None

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        keys = [None] * len(self)
        for key, e in self.exact.items():
            keys[e] = key
        sig_type = pa.binary(4 * self.params.num_perm)
        sig_col = pa.FixedSizeBinaryArray.from_buffers(
            sig_type, len(self), [None, pa.py_buffer(np.ascontiguousarray(self.sigs))]
        )
        table = pa.table(
            {
                "id": pa.array(self.ids, pa.string()),
                "keeper_id": pa.array(self.keepers, pa.string()),
                "cluster_id": pa.array(self.clusters, pa.string()),
                "exact_key": pa.array(keys, pa.binary(16)),
                "signature": sig_col,
                "has_shingles": pa.array(self.valid),
            }
        )
        tmp = folder / "entries.parquet.tmp"
        pq.write_table(table, tmp)
        tmp.replace(folder / "entries.parquet")
        meta = {"format": INDEX_FORMAT, "scheme": "affine32", **self.params.__dict__}
        (folder / "index.json").write_text(json.dumps(meta, sort_keys=True, indent=1))
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> LshIndex:
        folder = Path(folder)
        meta_path = folder / "index.json"
        if not meta_path.is_file():
            raise FileNotFoundError(f"{folder}: no dedup index (index.json missing)")
        meta = json.loads(meta_path.read_text())
        if meta.pop("format", None) != INDEX_FORMAT or meta.pop("scheme", None) != "affine32":
            raise ValueError(f"{folder}: unsupported dedup index format")
        index = cls(IndexParams(**meta))
        table = pq.read_table(folder / "entries.parquet")
        index.ids = table.column("id").to_pylist()
        index.keepers = table.column("keeper_id").to_pylist()
        index.clusters = table.column("cluster_id").to_pylist()
        for e, key in enumerate(table.column("exact_key").to_pylist()):
            if key is not None:
                index.exact[key] = e
        sig = table.column("signature").combine_chunks()
        if len(sig):
            index.sigs = (
                np.frombuffer(sig.buffers()[1], np.uint32).reshape(len(sig), index.params.num_perm).copy()
            )
        index.valid = to_numpy(table.column("has_shingles")).astype(bool)
        return index
