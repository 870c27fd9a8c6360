"""Open the version store a project file names: embedded in a folder, or a lakeFS repository.

The Parquet helpers (``write_table``, ``read_table``, ``read_dataset``) are re-exported here
beside ``open_store``, as callers that open a store usually move tables through it.

lakeFS credentials come only from the environment (``LAKEFS_ENDPOINT``,
``LAKEFS_ACCESS_KEY_ID``, ``LAKEFS_SECRET_ACCESS_KEY``), never from forge.yaml;
the Dagster resource passes them in through ``EnvVar`` as the ``env`` mapping.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from forge_data.config import StoreConfig
from forge_data.store.base import StoreError, VersionStore
from forge_data.store.parquet import read_dataset, read_table, write_table

__all__ = ["LAKEFS_ENV", "open_store", "read_dataset", "read_table", "write_table"]

LAKEFS_ENV = ("LAKEFS_ENDPOINT", "LAKEFS_ACCESS_KEY_ID", "LAKEFS_SECRET_ACCESS_KEY")


def open_store(
    cfg: StoreConfig, resolve: Callable[[str], Path], env: Mapping[str, str] = os.environ
) -> VersionStore:
    """The store ``cfg`` describes; ``resolve`` turns forge.yaml's relative paths into absolute ones."""
    if cfg.backend == "embedded":
        from forge_data.store.embedded import EmbeddedStore

        return EmbeddedStore(resolve(cfg.path), main=cfg.main_branch, lock_timeout_s=cfg.lock_timeout_s)
    missing = [name for name in LAKEFS_ENV if not env.get(name)]
    if missing:
        raise StoreError(
            f"store.backend is 'lakefs' but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'}"
            " not set in the environment (lakeFS credentials are read from there only)"
        )
    from forge_data.store.lakefs_store import LakeFSStore

    return LakeFSStore(
        cfg.repository,
        endpoint=env["LAKEFS_ENDPOINT"],
        access_key_id=env["LAKEFS_ACCESS_KEY_ID"],
        secret_access_key=env["LAKEFS_SECRET_ACCESS_KEY"],
        storage_namespace=cfg.storage_namespace,
        main=cfg.main_branch,
    )
