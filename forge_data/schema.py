"""One record schema for every source, and one quarantine schema for every reject.

Every stage reads and writes these Arrow schemas, so provenance survives from the
git blob or chat thread all the way to the training set. Rows are built with
:func:`make_record` / :func:`make_quarantine` so ids and hashes are computed one way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import pyarrow as pa

KINDS = ("code", "doc", "chat")

PROVENANCE_TYPE = pa.struct(
    [
        ("source_kind", pa.string()),  # git | wiki | chat
        ("format", pa.string()),  # python, markdown, slack, mbox, mediawiki, ...
        ("repo", pa.string()),
        ("commit", pa.string()),
        ("path", pa.string()),
        ("blob", pa.string()),
        ("line_start", pa.int32()),
        ("line_end", pa.int32()),
        ("channel", pa.string()),
        ("thread", pa.string()),
        ("author_hash", pa.string()),
        ("page_id", pa.string()),
        ("revision", pa.string()),
    ]
)
PROVENANCE_FIELDS = [f.name for f in PROVENANCE_TYPE]

TURN_TYPE = pa.struct(
    [("speaker", pa.string()), ("time", pa.timestamp("us", tz="UTC")), ("text", pa.string())]
)

RECORD_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("kind", pa.string()),
        ("source", pa.string()),
        ("uri", pa.string()),
        ("title", pa.string()),
        ("language", pa.string()),
        ("text", pa.string()),
        ("content_hash", pa.string()),
        ("size_bytes", pa.int64()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("provenance", PROVENANCE_TYPE),
        ("turns", pa.list_(TURN_TYPE)),
        ("metadata", pa.string()),  # JSON object: front matter, licence, counts, ...
    ]
)

QUARANTINE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("uri", pa.string()),
        ("stage", pa.string()),  # ingest | filter | dedup | pii | ...
        ("reason", pa.string()),  # a short stable code, e.g. binary, minified, zip_bomb
        ("detail", pa.string()),  # a human sentence; never raw content
        ("content_hash", pa.string()),
        ("size_bytes", pa.int64()),
        ("provenance", PROVENANCE_TYPE),
    ]
)


def content_hash(text: str | bytes) -> str:
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def row_hash(row: dict[str, Any]) -> str:
    """Hash of a whole row, whatever its key order; texts may hold lone surrogates (see content_hash)."""
    return content_hash(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False))[:32]


def record_id(source: str, uri: str) -> str:
    """Stable id: the same item of the same source always gets the same id."""
    return hashlib.sha256(f"{source}\x00{uri}".encode()).hexdigest()[:32]


def _provenance(values: Mapping[str, Any] | None) -> dict[str, Any]:
    values = dict(values or {})
    unknown = set(values) - set(PROVENANCE_FIELDS)
    if unknown:
        raise ValueError(f"unknown provenance fields: {sorted(unknown)}")
    return {name: values.get(name) for name in PROVENANCE_FIELDS}


def make_record(
    *,
    kind: str,
    source: str,
    uri: str,
    text: str,
    title: str | None = None,
    language: str | None = None,
    created_at: datetime | None = None,
    provenance: Mapping[str, Any] | None = None,
    turns: Iterable[Mapping[str, Any]] | None = None,
    metadata: Mapping[str, Any] | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return {
        "id": id or record_id(source, uri),
        "kind": kind,
        "source": source,
        "uri": uri,
        "title": title,
        "language": language,
        "text": text,
        "content_hash": content_hash(text),
        "size_bytes": len(text.encode("utf-8", "surrogatepass")),
        "created_at": created_at,
        "provenance": _provenance(provenance),
        "turns": [dict(t) for t in turns] if turns is not None else None,
        "metadata": json.dumps(dict(metadata or {}), sort_keys=True, default=str),
    }


def make_quarantine(
    *,
    source: str,
    uri: str,
    stage: str,
    reason: str,
    detail: str = "",
    data: str | bytes | None = None,
    size_bytes: int | None = None,
    provenance: Mapping[str, Any] | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    """A rejected input. ``data`` is hashed and measured, never stored."""
    if data is not None and size_bytes is None:
        size_bytes = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return {
        "id": id or record_id(source, uri),
        "source": source,
        "uri": uri,
        "stage": stage,
        "reason": reason,
        "detail": detail,
        "content_hash": content_hash(data) if data is not None else None,
        "size_bytes": size_bytes,
        "provenance": _provenance(provenance),
    }


def records_table(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=RECORD_SCHEMA)


def quarantine_table(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=QUARANTINE_SCHEMA)


def conform(table: pa.Table, schema: pa.Schema = RECORD_SCHEMA) -> pa.Table:
    """Select and cast ``table`` to ``schema``'s columns, keeping any extra columns after them.

    Stages add columns (cluster ids, PII manifests); the base columns stay first and typed.
    """
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise ValueError(f"table lacks schema columns: {missing}")
    base = [table.column(f.name).cast(f.type) for f in schema]
    extra = [n for n in table.column_names if n not in schema.names]
    return pa.table(base + [table.column(n) for n in extra], names=schema.names + extra)


def validate(table: pa.Table, schema: pa.Schema = RECORD_SCHEMA) -> list[str]:
    """Problems with ``table`` against ``schema``, as sentences (empty when it conforms)."""
    problems = []
    for field in schema:
        if field.name not in table.column_names:
            problems.append(f"missing column {field.name!r}")
        elif not table.schema.field(field.name).type.equals(field.type):
            problems.append(
                f"column {field.name!r} has type {table.schema.field(field.name).type}, expected {field.type}"
            )
    if "id" in table.column_names and table.num_rows:
        ids = table.column("id")
        if ids.null_count:
            problems.append(f"{ids.null_count} rows have no id")
        if len(ids.unique()) != table.num_rows - ids.null_count:
            problems.append("ids are not unique")
    if schema is RECORD_SCHEMA and "kind" in table.column_names:
        bad = set(table.column("kind").unique().to_pylist()) - set(KINDS)
        if bad:
            problems.append(f"unknown kinds {sorted(map(str, bad))}")
    return problems
