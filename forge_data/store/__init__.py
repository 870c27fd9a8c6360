"""Version stores with lakeFS semantics: an embedded one for one machine, lakeFS for a team."""

from forge_data.store.base import Change, Commit, Conflict, NotFound, ObjectInfo, StoreError, VersionStore

__all__ = ["Change", "Commit", "Conflict", "NotFound", "ObjectInfo", "StoreError", "VersionStore"]
