"""One source's records and quarantine rows, with the counts that prove nothing was lost.

Every input ends here exactly once, as a record or as a quarantine row, so
``inputs == records + quarantined`` holds by construction; the stats carry the
breakdowns the orchestration layer shows as metadata.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from forge_data.ingest.strings import clean, token
from forge_data.schema import content_hash, make_quarantine, quarantine_table, record_id, records_table


@dataclass
class IngestResult:
    records: pa.Table
    quarantine: pa.Table
    deleted: list[str]
    stats: dict[str, Any]


@dataclass
class Ledger:
    source: str
    source_kind: str
    records: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    bytes: int = 0
    counters: dict[str, Counter] = field(default_factory=dict)
    _uris: set[str] = field(default_factory=set)
    _reject_ids: set[str] = field(default_factory=set)

    def count(self, name: str, key: str, n: int = 1) -> None:
        """Add to a named breakdown (encodings, skipped chat subtypes, ...) reported in stats."""
        self.counters.setdefault(name, Counter())[token(key)] += n

    def add(self, record: dict[str, Any]) -> None:
        cleaned = clean(record)
        if cleaned != record:
            self.count("repaired_strings", "records")
            if cleaned["text"] != record["text"]:
                cleaned["content_hash"] = content_hash(cleaned["text"])
                cleaned["size_bytes"] = len(cleaned["text"].encode("utf-8"))
            record = cleaned
        if record["uri"] in self._uris:
            # Two inputs claiming one uri would give two rows one id; keep the first, account the second.
            self.reject(
                record["uri"] + "#duplicate",
                "duplicate_uri",
                "another input of this source already produced a record with this uri",
                size=record["size_bytes"],
                provenance=record["provenance"],
            )
            return
        self._uris.add(record["uri"])
        self.records.append(record)

    def reject(
        self,
        uri: str,
        reason: str,
        detail: str,
        *,
        data: bytes | str | None = None,
        size: int | None = None,
        provenance: dict[str, Any] | None = None,
    ) -> None:
        uri, detail = clean(uri), clean(detail)
        prov = {k: clean(v) for k, v in (provenance or {}).items() if v is not None}
        prov.setdefault("source_kind", self.source_kind)
        rid = record_id(self.source, uri)
        n = 1
        while rid in self._reject_ids:  # one file can fail in several places
            n += 1
            rid = record_id(self.source, f"{uri}#{n}")
        self._reject_ids.add(rid)
        self.rejects.append(
            make_quarantine(
                source=self.source,
                uri=uri,
                stage="ingest",
                reason=reason,
                detail=detail,
                data=data,
                size_bytes=size,
                provenance=prov,
                id=rid,
            )
        )

    def result(self, *, deleted: list[str] | None = None, **extra: Any) -> IngestResult:
        by_format: Counter = Counter()
        by_language: Counter = Counter()
        by_kind: Counter = Counter()
        for r in self.records:
            by_format[r["provenance"]["format"] or "unknown"] += 1
            by_language[r["language"] or "unknown"] += 1
            by_kind[r["kind"]] += 1
        stats: dict[str, Any] = {
            "source": self.source,
            "source_kind": self.source_kind,
            "inputs": len(self.records) + len(self.rejects),
            "records": len(self.records),
            "quarantined": len(self.rejects),
            "bytes": self.bytes,
            "by_format": dict(sorted(by_format.items())),
            "by_language": dict(sorted(by_language.items())),
            "by_kind": dict(sorted(by_kind.items())),
            "by_reason": dict(sorted(Counter(q["reason"] for q in self.rejects).items())),
            "head": None,
            "deleted": len(deleted or []),
        }
        for name, counter in sorted(self.counters.items()):
            stats[name] = dict(sorted(counter.items()))
        stats.update(extra)
        return IngestResult(
            records=records_table(self.records),
            quarantine=quarantine_table(self.rejects),
            deleted=list(deleted or []),
            stats=stats,
        )
