"""Which member of a cluster is kept: the keep policy as a sort order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from forge_data.config import DedupConfig


def to_numpy(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A column as numpy without pyarrow's ``to_numpy``, which imports pandas (a second of start-up).

    Fixed-width columns are read from their data buffer (bools via uint8; nulls must be filled
    first); other types go through Python objects.
    """
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_boolean(col.type):
        return to_numpy(pc.cast(col, pa.uint8())).astype(bool)
    if col.null_count or not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)):
        return np.array(col.to_pylist())
    name = str(col.type)
    dtype = np.dtype({"halffloat": "float16", "float": "float32", "double": "float64"}.get(name, name))
    return np.frombuffer(col.buffers()[1], dtype=dtype, count=len(col) + col.offset)[col.offset :]


def _column(records: pa.Table, name: str) -> pa.ChunkedArray | None:
    return records.column(name) if name in records.column_names else None


def _sizes(records: pa.Table) -> np.ndarray:
    col = _column(records, "size_bytes")
    if col is not None and not col.null_count:
        return to_numpy(col).astype(np.int64)
    return to_numpy(pc.binary_length(records.column("text"))).astype(np.int64)


def _created(records: pa.Table) -> np.ndarray:
    col = _column(records, "created_at")
    if col is None:
        return np.zeros(records.num_rows, np.int64)
    if pa.types.is_timestamp(col.type):
        col = pc.cast(col, pa.timestamp("us", tz=col.type.tz)).cast(pa.int64())
    else:
        return np.zeros(records.num_rows, np.int64)
    # Unknown creation time sorts as oldest.
    return to_numpy(pc.fill_null(col, np.iinfo(np.int64).min))


def _source_rank(records: pa.Table, priority: list[str]) -> np.ndarray:
    col = _column(records, "source")
    if col is None:
        return np.zeros(records.num_rows, np.int64)
    rank = {s: i for i, s in enumerate(priority)}
    return np.array([rank.get(s, len(priority)) for s in col.to_pylist()], dtype=np.int64)


def preference(records: pa.Table, cfg: DedupConfig) -> np.ndarray:
    """Rank of every row under the keep policy: lower is kept first. Ties go to input order."""
    size, created = _sizes(records), _created(records)
    position = np.arange(records.num_rows)
    if cfg.keep == "newest":
        keys = (position, -size, -created)
    elif cfg.keep == "source_priority":
        keys = (position, -created, -size, _source_rank(records, cfg.source_priority))
    else:
        keys = (position, -created, -size)
    order = np.lexsort(keys)
    rank = np.empty(records.num_rows, np.int64)
    rank[order] = np.arange(records.num_rows)
    return rank


def keepers(cluster_root: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """For every row, the row kept for its cluster (the lowest rank in the cluster)."""
    best = np.full(cluster_root.size, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(best, cluster_root, rank)
    by_rank = np.empty(rank.size, np.int64)
    by_rank[rank] = np.arange(rank.size)
    return by_rank[best[cluster_root]]
