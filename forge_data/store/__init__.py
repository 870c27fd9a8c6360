"""Version stores with lakeFS semantics: an embedded one for one machine, lakeFS for a team.

``open_store`` picks the backend forge.yaml names; ``write_table`` / ``read_table`` /
``read_dataset`` move Arrow tables in and out as Parquet objects.
"""

from forge_data.store.base import (
    Change,
    Commit,
    Conflict,
    DirtyBranch,
    InvalidName,
    NoChanges,
    NotFound,
    ObjectInfo,
    StoreError,
    VersionStore,
)
from forge_data.store.factory import open_store
from forge_data.store.parquet import read_dataset, read_table, write_table

__all__ = [
    "Change",
    "Commit",
    "Conflict",
    "DirtyBranch",
    "InvalidName",
    "NoChanges",
    "NotFound",
    "ObjectInfo",
    "StoreError",
    "VersionStore",
    "open_store",
    "read_dataset",
    "read_table",
    "write_table",
]
