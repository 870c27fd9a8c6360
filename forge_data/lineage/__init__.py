"""Lineage and deletion: which data commits, datasets and models hold a record, a uri or a person.

- :class:`LineageIndex` — per key, the stretches of main's commits it was present in; updated at
  every publish and forget request (and caught up before every query).
- :mod:`forge_data.lineage.keys` — what a record can be found by, and how a person's identifier
  maps to the hashed author ids the records carry.
- :mod:`forge_data.lineage.suppression` — hashes of what `forge forget` removed, applied at ingest.
- :func:`trace` — the answer to `forge lineage`: data commits, datasets and models.
"""

from forge_data.lineage.index import LineageIndex
from forge_data.lineage.trace import trace

__all__ = ["LineageIndex", "trace"]
