"""Exact and MinHash near-duplicate removal, in memory, spilled to disk, or against a shared index.

Public API::

    deduplicate(records, cfg, *, index=None) -> DedupResult
    new_index(cfg) / LshIndex.load(folder) / index.save(folder)   # incremental runs
    RedisIndex.for_config(url, cfg, namespace)                    # several workers, one index
    minhash_signatures(texts, shingle_cfg, num_perm, seed)        # datasketch-compatible MinHash
"""

from forge_data.dedup.index import LshIndex
from forge_data.dedup.pipeline import DedupResult, deduplicate, index_params, new_index
from forge_data.dedup.redis_index import RedisIndex
from forge_data.dedup.signatures import lsh_params, to_lean_minhash
from forge_data.dedup.signatures import signatures as minhash_signatures

__all__ = [
    "DedupResult",
    "LshIndex",
    "RedisIndex",
    "deduplicate",
    "index_params",
    "lsh_params",
    "new_index",
    "minhash_signatures",
    "to_lean_minhash",
]
