"""Arrow tables in and out of a version store as Parquet objects."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from forge_data.store.base import NotFound, ObjectInfo, StoreError, VersionStore


def write_table(store: VersionStore, branch: str, path: str, table: pa.Table) -> ObjectInfo:
    """Stage ``table`` as one Parquet object on ``branch``."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return store.write(branch, path, sink.getvalue())  # a pyarrow Buffer: handed over without a copy


def read_table(store: VersionStore, ref: str, path: str) -> pa.Table:
    data = store.read(ref, path)
    try:
        return pq.read_table(pa.BufferReader(data))
    except pa.ArrowException as exc:
        raise StoreError(f"{path!r} at {ref!r} is not a readable Parquet file: {exc}") from exc


def read_dataset(store: VersionStore, ref: str, prefix: str) -> pa.Table:
    """Every ``*.parquet`` object under ``prefix`` at ``ref``, in path order, as one table."""
    parts = [o.path for o in store.list(ref, prefix) if o.path.endswith(".parquet")]
    if not parts:
        raise NotFound(f"no Parquet objects under {prefix!r} at {ref!r}")
    tables = [read_table(store, ref, path) for path in parts]
    try:
        return pa.concat_tables(tables)
    except pa.ArrowInvalid as exc:
        raise StoreError(f"Parquet parts under {prefix!r} at {ref!r} do not share one schema: {exc}") from exc
