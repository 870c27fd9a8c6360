"""The redaction manifest: per record, what was replaced where, by which recognizer; never the value."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from forge_data.pii.detector import Finding

# The CLI's per-line "entities": offsets index the ORIGINAL text.
ENTITY_TYPE = pa.struct(
    [
        ("type", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("score", pa.float64()),
        ("recognizer", pa.string()),
    ]
)
# A record's manifest: the same per replaced span, plus the field it was in
# (text | title | metadata | turns[<i>].text | turns[<i>].speaker).
ENTRY_TYPE = pa.struct([*ENTITY_TYPE, pa.field("field", pa.string())])
MANIFEST_TYPE = pa.list_(ENTRY_TYPE)


def entity(f: Finding) -> dict[str, Any]:
    return {"type": f.type, "start": f.start, "end": f.end, "score": f.score, "recognizer": f.recognizer}


def entry(f: Finding, field: str) -> dict[str, Any]:
    return {**entity(f), "field": field}


class Stats:
    """Counts for asset metadata and the CLI summary: numbers and type names only."""

    def __init__(self) -> None:
        self.records = 0
        self.records_with_pii = 0
        self.by_type: Counter[str] = Counter()
        self.by_recognizer: Counter[str] = Counter()

    def add(self, entries: Iterable[dict[str, Any]]) -> None:
        entries = list(entries)
        self.records += 1
        if entries:
            self.records_with_pii += 1
        for e in entries:
            self.by_type[e["type"]] += 1
            self.by_recognizer[e["recognizer"]] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "records_with_pii": self.records_with_pii,
            "entities": sum(self.by_type.values()),
            "by_type": dict(sorted(self.by_type.items())),
            "by_recognizer": dict(sorted(self.by_recognizer.items())),
        }


def summarize_findings(findings: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Residual-scan findings as check metadata: counts by type and recognizer, record ids; no values."""
    findings = list(findings)
    return {
        "findings": len(findings),
        "records": len({f["id"] for f in findings}),
        "by_type": dict(sorted(Counter(f["type"] for f in findings).items())),
        "by_recognizer": dict(sorted(Counter(f["recognizer"] for f in findings).items())),
        "record_ids": sorted({str(f["id"]) for f in findings})[:20],
    }
