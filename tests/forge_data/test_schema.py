from datetime import UTC, datetime

import pyarrow as pa
import pytest

from forge_data.schema import (
    QUARANTINE_SCHEMA,
    RECORD_SCHEMA,
    conform,
    make_quarantine,
    make_record,
    quarantine_table,
    record_id,
    records_table,
    validate,
)


def test_record_ids_are_stable_and_distinct_per_source():
    assert record_id("wiki", "a.md") == record_id("wiki", "a.md")
    assert record_id("wiki", "a.md") != record_id("code", "a.md")


def test_make_record_fills_hash_size_and_provenance():
    row = make_record(
        kind="chat",
        source="slack",
        uri="slack://general/1.0",
        text="héllo",
        provenance={"channel": "general", "thread": "1.0"},
        turns=[{"speaker": "u1", "time": datetime(2024, 1, 1, tzinfo=UTC), "text": "héllo"}],
        metadata={"subtypes_skipped": {"channel_join": 1}},
    )
    table = records_table([row])
    assert table.schema.equals(RECORD_SCHEMA)
    assert row["size_bytes"] == 6
    assert table.column("provenance")[0]["channel"].as_py() == "general"
    assert table.column("provenance")[0]["repo"].as_py() is None
    assert validate(table) == []


def test_unknown_kind_and_provenance_fields_are_rejected():
    with pytest.raises(ValueError, match="kind"):
        make_record(kind="video", source="s", uri="u", text="t")
    with pytest.raises(ValueError, match="provenance"):
        make_record(kind="doc", source="s", uri="u", text="t", provenance={"color": "red"})


def test_quarantine_rows_never_store_content():
    row = make_quarantine(source="git", uri="repo/a.bin", stage="ingest", reason="binary", data=b"\x00secret")
    table = quarantine_table([row])
    assert table.schema.equals(QUARANTINE_SCHEMA)
    assert row["size_bytes"] == 7
    assert b"secret" not in str(table.to_pylist()).encode()


def test_validate_reports_duplicate_ids_and_missing_columns():
    row = make_record(kind="doc", source="s", uri="u", text="t")
    assert "ids are not unique" in validate(records_table([row, row]))
    assert "missing column 'text'" in validate(records_table([row]).drop_columns(["text"]))


def test_conform_keeps_extra_columns_after_the_schema():
    table = records_table([make_record(kind="doc", source="s", uri="u", text="t")])
    table = table.append_column("cluster_id", pa.array(["c1"]))
    out = conform(table)
    assert out.column_names[: len(RECORD_SCHEMA)] == RECORD_SCHEMA.names
    assert out.column_names[-1] == "cluster_id"
