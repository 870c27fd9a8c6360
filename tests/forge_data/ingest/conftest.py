"""Helpers for ingest tests: run a source through ingest_source and check the contract every time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forge_data.config import SourceConfig
from forge_data.ingest import IngestResult, Limits, ingest_source
from forge_data.schema import QUARANTINE_SCHEMA, RECORD_SCHEMA, validate


def check(result: IngestResult) -> IngestResult:
    """The contract every ingest keeps: accounting identity and valid, typed tables."""
    s = result.stats
    assert s["inputs"] == s["records"] + s["quarantined"]
    assert s["records"] == result.records.num_rows
    assert s["quarantined"] == result.quarantine.num_rows
    assert validate(result.records, RECORD_SCHEMA) == []
    assert validate(result.quarantine, QUARANTINE_SCHEMA) == []
    assert sum(s["by_reason"].values()) == s["quarantined"]
    assert sum(s["by_kind"].values()) == s["records"]
    assert set(result.quarantine.column("stage").to_pylist()) <= {"ingest"}
    json.dumps(s)  # the stats become asset metadata: they must serialise
    return result


def rows(result: IngestResult, table: str = "records") -> dict[str, dict]:
    """Rows keyed by uri."""
    return {r["uri"]: r for r in getattr(result, table).to_pylist()}


def reasons(result: IngestResult) -> dict[str, str]:
    return {r["uri"]: r["reason"] for r in result.quarantine.to_pylist()}


def meta(row: dict) -> dict:
    return json.loads(row["metadata"])


@pytest.fixture
def ingest(tmp_path: Path):
    def _ingest(
        kind: str, path: str | Path, *, since: str | None = None, limits: Limits | None = None, **cfg
    ):
        source = SourceConfig(name=cfg.pop("name", f"test-{kind}"), kind=kind, path=str(path), **cfg)
        return check(ingest_source(source, base_dir=tmp_path, since=since, limits=limits))

    return _ingest
