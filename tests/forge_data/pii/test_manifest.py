"""The manifest records type, offsets, score and recognizer; no value reaches manifest, stats, logs or errors."""

from __future__ import annotations

import json
import logging
import re

import pyarrow as pa
import pytest

from forge_data.pii.detector import DetectionError
from forge_data.pii.evalset import PATTERN_TYPES, generate, planted_secrets
from forge_data.pii.manifest import MANIFEST_TYPE
from forge_data.schema import RECORD_SCHEMA, content_hash, make_record, records_table, validate


@pytest.fixture(scope="module")
def samples():
    return generate(n_chat=30, n_wiki=10, n_code=15, seed=21) + planted_secrets(copies=1, seed=21)


@pytest.fixture(scope="module")
def records(samples):
    table = records_table(
        [make_record(kind=s.kind, source="eval", uri=s.id, text=s.text, language=s.language) for s in samples]
    )
    return table.append_column("batch", pa.array(["b1"] * table.num_rows))


@pytest.fixture(scope="module")
def redacted(redactor, records):
    logging.getLogger().setLevel(logging.DEBUG)
    handler = _Capture()
    logging.getLogger().addHandler(handler)
    try:
        table, stats = redactor.redact_table(records)
        residual = redactor.scan_residual(table, threshold=0.6)
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(logging.WARNING)
    return table, stats, residual, "\n".join(handler.lines)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def _values(samples):
    # Short values ("Lin") occur inside ordinary words; five characters and more are telling.
    return sorted({v for s in samples for v in s.values() if len(v) >= 5})


def test_no_original_value_in_manifest_stats_logs_or_findings(samples, redacted):
    table, stats, residual, logs = redacted
    published = json.dumps(
        {"pii": table.column("pii").to_pylist(), "stats": stats, "residual": residual}, ensure_ascii=False
    )
    assert logs, "the redactor logs its counts"
    leaked = [v for v in _values(samples) if v in published or v in logs]
    assert not leaked, f"{len(leaked)} values leaked"
    texts = "\n".join(table.column("text").to_pylist())
    left = {
        (g.type, s.text[g.start : g.end])
        for s in samples
        for g in s.spans
        if re.search(rf"(?<!\w){re.escape(s.text[g.start : g.end])}(?!\w)", texts)  # not inside identifiers
    }
    names = {s.text[g.start : g.end] for s in samples for g in s.spans if g.type == "PERSON"}
    assert not [t for t, _ in left if t != "PERSON"], "a pattern value or secret survived redaction"
    assert len(left) <= 0.03 * len(names), f"{len(left)} of {len(names)} names survived"


def test_manifest_offsets_index_the_original_text(samples, records, redacted):
    table, _, _, _ = redacted
    assert table.schema.field("pii").type == MANIFEST_TYPE
    originals = records.column("text").to_pylist()
    checked = 0
    for sample, original, manifest in zip(samples, originals, table.column("pii").to_pylist(), strict=True):
        assert original == sample.text
        for gold in sample.spans:
            if gold.type not in PATTERN_TYPES:
                continue
            covering = [
                m
                for m in manifest
                if m["field"] == "text" and m["start"] <= gold.start and gold.end <= m["end"]
            ]
            assert covering and covering[0]["type"] == gold.type, sample.id
            checked += 1
        for m in manifest:
            assert 0 <= m["start"] < m["end"] <= len(original)
            assert original[m["start"] : m["end"]].strip() == original[m["start"] : m["end"]]
            assert 0 < m["score"] <= 1 and m["recognizer"]
    assert checked > 50


def test_table_keeps_schema_and_extra_columns_and_updates_hashes(records, redacted):
    table, stats, _, _ = redacted
    assert validate(table) == []
    assert table.column_names[: len(RECORD_SCHEMA)] == RECORD_SCHEMA.names
    assert table.column("batch").to_pylist() == ["b1"] * table.num_rows
    assert table.column("id").to_pylist() == records.column("id").to_pylist()
    for text, digest, size in zip(
        table.column("text").to_pylist(),
        table.column("content_hash").to_pylist(),
        table.column("size_bytes").to_pylist(),
        strict=True,
    ):
        assert digest == content_hash(text) and size == len(text.encode())
    assert stats["records"] == records.num_rows
    assert (
        stats["entities"]
        == sum(stats["by_type"].values())
        == sum(len(m) for m in table.column("pii").to_pylist())
    )
    assert set(stats) == {
        "records",
        "records_with_pii",
        "entities",
        "by_type",
        "by_recognizer",
        "passes",
        "refound",
        "unsettled",
    }
    assert 1 <= stats["passes"] <= 3 and stats["unsettled"] == 0


def test_redact_texts_offsets_and_text(redactor):
    text = "Ping Aisha Bello at aisha.bello@globex.io; card 4111 1111 1111 1111."
    result = redactor.redact_texts([text], ["chat"])[0]
    found = {(e.type, text[e.start : e.end]) for e in result.entities}
    assert ("EMAIL_ADDRESS", "aisha.bello@globex.io") in found
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in found
    assert ("PERSON", "Aisha Bello") in found
    assert (
        "Aisha" not in result.text and "4111" not in result.text and result.text.startswith("Ping <PERSON_")
    )
    assert all(e.recognizer for e in result.entities)


def test_detection_errors_name_the_position_not_the_text(redactor, monkeypatch):
    secret_text = "Priya Raman's SSN is 078-05-1120"

    analyze = redactor.detector.analyzer.analyze

    def fail(**kwargs):
        if kwargs["text"] == secret_text:  # what Presidio's own errors look like
            raise ValueError(f"Did not find word '{kwargs['text']}'")
        return analyze(**kwargs)

    monkeypatch.setattr(redactor.detector.analyzer, "analyze", fail)
    with pytest.raises(DetectionError) as err:
        redactor.redact_texts(["fine", secret_text])
    assert "#1" in str(err.value)
    assert "Priya" not in str(err.value) and "078-05" not in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_bad_kinds_are_refused(redactor):
    with pytest.raises(ValueError, match="kinds"):
        redactor.redact_texts(["x"], ["email"])
