"""The numbers a steward reads about a dedup run: rates, cluster sizes, example clusters.

Examples name records by id and uri only: dedup runs before redaction, so no text leaves here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa


def size_bucket(size: int) -> str:
    """Histogram bucket of a cluster size: exact up to 4, then powers of two ("5-8", "9-16", ...)."""
    if size <= 4:
        return str(size)
    hi = 8
    while size > hi:
        hi *= 2
    return f"{hi // 2 + 1}-{hi}"


def dedup_stats(table: pa.Table, counts: dict[str, int], max_examples: int) -> dict[str, Any]:
    n = table.num_rows
    clusters = table.column("cluster_id").to_pylist()
    ids = [str(i) for i in table.column("id").to_pylist()]
    uris = table.column("uri").to_pylist() if "uri" in table.column_names else [None] * n
    kept = sum(table.column("keep").to_pylist())
    sizes = Counter(clusters)
    dup_clusters = {c: s for c, s in sizes.items() if s > 1}
    histogram = Counter(size_bucket(s) for s in sizes.values())
    ordered = sorted(histogram, key=lambda b: int(b.split("-")[0]))
    examples = sorted(dup_clusters, key=lambda c: (-dup_clusters[c], c))[:max_examples]
    members: dict[str, list[dict[str, Any]]] = {c: [] for c in examples}
    for cid, rid, uri in zip(clusters, ids, uris, strict=True):
        if cid in members and len(members[cid]) < 10:
            members[cid].append({"id": rid, "uri": uri})
    duplicates = n - kept
    return {
        "inputs": n,
        "kept": kept,
        "duplicates": duplicates,
        "exact_duplicates": counts["exact_duplicates"],
        "near_duplicates": counts["near_duplicates"],
        "duplicate_rate": round(duplicates / n, 6) if n else 0.0,
        "clusters": len(dup_clusters),
        "largest_cluster": max(sizes.values(), default=0),
        "cluster_size_histogram": {b: histogram[b] for b in ordered},
        "example_clusters": [
            {"cluster_id": c, "size": dup_clusters[c], "members": members[c]} for c in examples
        ],
    }
