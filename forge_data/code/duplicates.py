"""Function-level near-duplicates across repositories: the same function copied between services.

Functions and methods of at least ``min_unit_lines`` lines are deduplicated as code (token
shingles) at ``unit_threshold``; a cluster whose members come from more than one source
(repository) is a cross-repository copy.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from forge_data.config import DedupConfig
from forge_data.dedup.keep import to_numpy


def find_duplicate_units(units: pa.Table, cfg: DedupConfig | None = None) -> tuple[pa.Table, dict[str, Any]]:
    """The units table plus cluster_id, duplicate_of, dup_type and cross_repo columns, and stats.

    Units that are not compared (classes, short units) are their own cluster.
    """
    from forge_data.dedup import deduplicate
    from forge_data.dedup.pipeline import set_columns

    cfg = cfg or DedupConfig()
    n = units.num_rows
    lines = to_numpy(pc.subtract(units.column("line_end"), units.column("line_start"))) + 1
    is_fn = np.isin(to_numpy(units.column("unit_type")), ["function", "method"])
    compared = np.flatnonzero(is_fn & (lines >= cfg.min_unit_lines))
    ids = units.column("id").to_pylist()
    cluster, dup_of, dup_type = list(ids), [None] * n, [None] * n
    stats: dict[str, Any] = {"units": n, "units_compared": int(compared.size)}
    if compared.size:
        subset = units.take(compared)
        records = pa.table(
            {
                "id": subset.column("id"),
                "text": subset.column("text"),
                "kind": pa.array(["code"] * compared.size),
                "source": subset.column("source"),
                "uri": subset.column("uri"),
            }
        )
        unit_cfg = cfg.model_copy(update={"threshold": cfg.unit_threshold, "max_example_clusters": 0})
        result = deduplicate(records, unit_cfg)
        for pos, row in zip(compared.tolist(), result.table.to_pylist(), strict=True):
            cluster[pos], dup_of[pos], dup_type[pos] = row["cluster_id"], row["duplicate_of"], row["dup_type"]
    sources = units.column("source").to_pylist()
    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cluster):
        members[c].append(i)
    cross = {c for c, rows in members.items() if len({sources[i] for i in rows}) > 1}
    cross_repo = [c in cross for c in cluster]
    table = set_columns(
        units,
        [
            ("cluster_id", cluster, pa.string()),
            ("duplicate_of", dup_of, pa.string()),
            ("dup_type", dup_type, pa.string()),
            ("cross_repo", cross_repo, pa.bool_()),
        ],
    )
    dup_clusters = {c: rows for c, rows in members.items() if len(rows) > 1}
    examples = sorted(cross, key=lambda c: (-len(members[c]), c))[: cfg.max_example_clusters]
    uris, qnames = units.column("uri").to_pylist(), units.column("qualified_name").to_pylist()
    stats.update(
        duplicate_units=sum(d is not None for d in dup_of),
        clusters=len(dup_clusters),
        cross_repo_clusters=len(cross),
        cross_repo_units=sum(cross_repo),
        example_cross_repo_clusters=[
            {
                "cluster_id": c,
                "members": [
                    {"id": ids[i], "source": sources[i], "uri": uris[i], "qualified_name": qnames[i]}
                    for i in members[c][:10]
                ],
            }
            for c in examples
        ],
    )
    return table, stats
