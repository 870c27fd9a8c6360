"""Where the curated dataset lives in the version store (one object per source and table)."""

from __future__ import annotations

RECORDS_PREFIX = "curated/records/"
UNITS_PREFIX = "curated/code_units/"
QUARANTINE_PREFIX = "quarantine/"
# Every input of a source once, with its fingerprint and what became of it: the base of the next
# incremental run, and the proof that inputs = kept + duplicates + quarantined for each source.
LEDGER_PREFIX = "curated/ledger/"
DUPLICATES_PATH = "curated/duplicates.parquet"
MANIFEST_PATH = "manifest.json"
PER_SOURCE = (RECORDS_PREFIX, UNITS_PREFIX, QUARANTINE_PREFIX, LEDGER_PREFIX)


def source_path(prefix: str, source: str) -> str:
    return f"{prefix}{source}.parquet"


def source_of(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".parquet")
