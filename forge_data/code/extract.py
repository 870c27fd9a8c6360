"""extract_units(): the units table of a batch of records, and its parsing statistics.

Code records (``kind == "code"``) are parsed with the grammar their ``language`` names; doc
records are searched for fenced code blocks, each parsed with the grammar its info string
names. Every code file counts toward its language's syntax-error rate (a file whose tree
has an error node); fenced blocks are counted apart, since snippets are often fragments.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pyarrow as pa

from forge_data.code.languages import canonical
from forge_data.code.markdown import fenced_blocks
from forge_data.code.units import parse_units
from forge_data.config import CodeConfig

UNIT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("record_id", pa.string()),
        ("source", pa.string()),
        ("uri", pa.string()),
        ("language", pa.string()),
        ("unit_type", pa.string()),  # function | method | class
        ("name", pa.string()),
        ("qualified_name", pa.string()),
        ("parent", pa.string()),
        ("signature", pa.string()),
        ("docstring", pa.string()),
        ("line_start", pa.int32()),
        ("line_end", pa.int32()),
        ("text", pa.string()),
        ("content_hash", pa.string()),
    ]
)


def _unit_rows(rec: dict, language: str, src: bytes, line_offset: int, cfg: CodeConfig, skipped: Counter):
    parsed = parse_units(src, language)
    rows = []
    for u in parsed.units:
        if u.end_byte - u.start_byte > cfg.max_unit_chars:
            skipped[language] += 1
            continue
        text = src[u.start_byte : u.end_byte].decode("utf-8", "replace")
        start, end = u.line_start + line_offset, u.line_end + line_offset
        key = f"{rec['id']}\x00{start}\x00{u.unit_type}\x00{u.qualified_name}"
        rows.append(
            {
                "id": hashlib.sha256(key.encode()).hexdigest()[:32],
                "record_id": rec["id"],
                "source": rec.get("source"),
                "uri": rec.get("uri"),
                "language": language,
                "unit_type": u.unit_type,
                "name": u.name,
                "qualified_name": u.qualified_name,
                "parent": u.parent,
                "signature": u.signature,
                "docstring": u.docstring,
                "line_start": start,
                "line_end": end,
                "text": text,
                "content_hash": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
            }
        )
    return rows, parsed.has_error


def extract_units(records: pa.Table, cfg: CodeConfig | None = None) -> tuple[pa.Table, dict[str, Any]]:
    cfg = cfg or CodeConfig()
    names = [c for c in ("id", "kind", "source", "uri", "language", "text") if c in records.column_names]
    rows: list[dict] = []
    files, errors, units, unsupported, skipped = Counter(), Counter(), Counter(), Counter(), Counter()
    blocks, block_errors, unsupported_blocks = Counter(), Counter(), Counter()
    error_files: list[str] = []
    md_docs = 0
    for rec in records.select(names).to_pylist() if cfg.units else []:
        text = rec.get("text") or ""
        kind = rec.get("kind")
        if kind == "code":
            language = canonical(rec.get("language"))
            if language is None:
                unsupported[str(rec.get("language"))] += 1
                continue
            found, has_error = _unit_rows(
                rec, language, text.encode("utf-8", "surrogatepass"), 0, cfg, skipped
            )
            files[language] += 1
            if has_error:
                errors[language] += 1
                error_files.append(rec["id"])
            rows.extend(found)
            units.update(r["language"] for r in found)
        elif kind == "doc" and cfg.markdown_blocks:
            found_blocks = fenced_blocks(text)
            md_docs += bool(found_blocks)
            for block in found_blocks:
                if block.language is None:
                    unsupported_blocks[block.label or "(none)"] += 1
                    continue
                found, has_error = _unit_rows(
                    rec, block.language, block.code, block.first_line - 1, cfg, skipped
                )
                blocks[block.language] += 1
                block_errors[block.language] += has_error
                rows.extend(found)
                units.update(r["language"] for r in found)
    total_files = sum(files.values())
    stats = {
        "units": len(rows),
        "units_per_language": dict(sorted(units.items())),
        "files_per_language": dict(sorted(files.items())),
        "syntax_error_rate": {lang: round(errors[lang] / n, 6) for lang, n in sorted(files.items())},
        "syntax_error_rate_overall": round(sum(errors.values()) / total_files, 6) if total_files else 0.0,
        "files_with_errors": sum(errors.values()),
        "error_file_ids": error_files[:20],
        "unsupported_languages": dict(unsupported),
        "units_too_long": dict(skipped),
        "markdown_docs_with_blocks": md_docs,
        "markdown_blocks_per_language": dict(sorted(blocks.items())),
        "markdown_block_error_rate": {
            lang: round(block_errors[lang] / n, 6) for lang, n in sorted(blocks.items())
        },
        "markdown_unsupported_blocks": dict(unsupported_blocks),
    }
    return pa.Table.from_pylist(rows, schema=UNIT_SCHEMA), stats
