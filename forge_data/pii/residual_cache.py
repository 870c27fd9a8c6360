"""The residual-PII re-scan, remembered per record so an incremental run re-scans only what changed.

Presidio is the expensive part of publishing: re-scanning every record of main to admit a handful
of new ones made the blocking check dominate incremental runs. A record's findings depend only on
its own content and on how detection is set up, so they are kept per *content hash* under a
*fingerprint* of the setup (the PII configuration, the threshold, a hash of the pseudonym key and
Forge's version). A record that is new, edited, or scanned under another setup is scanned again;
the result is the same list a full scan gives (tests/forge_data/pii/test_residual_cache.py).

The cache holds hashes, ids, types and offsets, never text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from forge_data import __version__
from forge_data.config import PiiConfig
from forge_data.schema import row_hash
from forge_data.tables import read_parquet, write_parquet

Scan = Callable[[pa.Table], list[dict[str, Any]]]
_CACHE_SCHEMA = pa.schema([("row_hash", pa.string()), ("findings", pa.string())])


def fingerprint(pii: PiiConfig, threshold: float, key: bytes) -> str:
    setup = {
        "pii": pii.model_dump(mode="json"),
        "threshold": threshold,
        "key": hashlib.sha256(key).hexdigest(),
        "forge": __version__,
    }
    return hashlib.sha256(json.dumps(setup, sort_keys=True).encode()).hexdigest()[:16]


def row_hashes(records: pa.Table) -> list[str]:
    """One hash per row over every column, so any change a scan could see changes the hash."""
    return [row_hash(r) for r in records.to_pylist()]


def scan_with_cache(
    records: pa.Table, scan: Scan, cache_file: Path | None
) -> tuple[list[dict[str, Any]], int]:
    """``scan`` applied to the rows the cache does not know; returns (all findings, rows scanned).

    The cache is rewritten to hold exactly this table's rows, so it never outgrows the dataset.
    """
    if cache_file is None:
        return scan(records), records.num_rows
    hashes = row_hashes(records)
    known: dict[str, list[dict[str, Any]]] = {}
    if cache_file.is_file():
        cached = read_parquet(cache_file)
        known = {
            h: json.loads(f)
            for h, f in zip(
                cached.column("row_hash").to_pylist(), cached.column("findings").to_pylist(), strict=True
            )
        }
    todo = [i for i, h in enumerate(hashes) if h not in known]
    fresh: dict[str, list[dict[str, Any]]] = {hashes[i]: [] for i in todo}
    if todo:
        subset = records.take(pa.array(todo, pa.int64()))
        # Findings name their record by id; map back to the row (ids are unique in a dataset).
        by_id = {rid: hashes[i] for i, rid in zip(todo, subset.column("id").to_pylist(), strict=True)}
        for f in scan(subset):
            fresh[by_id[f["id"]]].append({k: v for k, v in f.items() if k != "id"})
    known.update(fresh)
    ids = records.column("id").to_pylist()
    findings = [{"id": rid, **f} for rid, h in zip(ids, hashes, strict=True) for f in known[h]]
    unique = list(dict.fromkeys(hashes))
    write_parquet(
        pa.table(
            {"row_hash": unique, "findings": [json.dumps(known[h]) for h in unique]},
            schema=_CACHE_SCHEMA,
        ),
        cache_file,
    )
    return findings, len(todo)
