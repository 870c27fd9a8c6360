"""`forge dedup` end to end, through the real CLI in a subprocess."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

TEXT = "the release checklist says to tag the build, update the changelog and notify the channel"


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _rows():
    return [
        {"id": "a", "text": TEXT, "extra": 1},
        {"id": "b", "text": "completely unrelated words about lunch plans", "extra": 2},
        {"id": "c", "text": TEXT.upper(), "extra": 3},
        {"id": "d", "text": TEXT + " today", "extra": 4},
    ]


def test_jsonl_in_jsonl_out_keeps_order_fields_and_one_keeper_per_cluster(run_forge, tmp_path):
    src = _write(tmp_path / "in.jsonl", _rows())
    out = tmp_path / "out.jsonl"
    proc = run_forge("dedup", src, out, "--threshold", "0.7", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    assert [r["extra"] for r in rows] == [1, 2, 3, 4]
    clusters: dict[str, list[dict]] = {}
    for r in rows:
        clusters.setdefault(r["cluster"], []).append(r)
    assert all(sum(m["keep"] for m in members) == 1 for members in clusters.values())
    assert len(clusters) == 2 and rows[0]["cluster"] == rows[2]["cluster"] == rows[3]["cluster"]
    # Longest is kept; dup_type says how each duplicate relates to the kept row.
    assert rows[3]["keep"] and [rows[i]["duplicate_of"] for i in (0, 2)] == ["d", "d"]
    assert rows[0]["dup_type"] == rows[2]["dup_type"] == "near"
    assert summary["inputs"] == 4 == summary["kept"] + summary["duplicates"]
    assert summary["kept"] == 2


def test_parquet_in_and_out(run_forge, tmp_path):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(_rows()), src)
    out = tmp_path / "out.parquet"
    proc = run_forge("dedup", src, out)
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == ["a", "b", "c", "d"]
    assert {"cluster", "keep", "text", "extra"} <= set(table.column_names)
    assert "kept: " in proc.stdout


def test_incremental_index_from_the_cli(run_forge, tmp_path):
    first = _write(tmp_path / "first.jsonl", _rows()[:2])
    second = _write(tmp_path / "second.jsonl", [{"id": "z", "text": TEXT}])
    index = tmp_path / "index"
    assert (
        run_forge("dedup", first, tmp_path / "o1.jsonl", "--index", index, "--update-index").returncode == 0
    )
    proc = run_forge("dedup", second, tmp_path / "o2.jsonl", "--index", index, "--json")
    assert proc.returncode == 0, proc.stderr
    (row,) = [json.loads(line) for line in (tmp_path / "o2.jsonl").read_text().splitlines()]
    assert row["keep"] is False and row["duplicate_of"] == "a"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        ('{"id": "a", "text": "x"}\n{not json\n', ":2: not valid JSON"),
        ('{"id": "a"}\n', "'text'"),
        ('{"text": "x"}\n', "'id'"),
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "duplicate id 'a'"),
        ('{"id": "a", "text": "x"}\n{"id": 2, "text": "y"}\n', "different types"),
        ('{"id": "a", "text": 5}\n', "'text' must be a string"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(run_forge, tmp_path, content, reason):
    src = tmp_path / "in.jsonl"
    if content is not None:
        src.write_text(content)
    proc = run_forge("dedup", src, tmp_path / "out.jsonl")
    assert proc.returncode == 2
    assert reason in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.jsonl").exists()


def test_bad_threshold_and_help(run_forge, tmp_path):
    src = _write(tmp_path / "in.jsonl", _rows())
    proc = run_forge("dedup", src, tmp_path / "o.jsonl", "--threshold", "1.5")
    assert proc.returncode == 2 and "--threshold" in proc.stderr
    help_proc = run_forge("dedup", "--help")
    assert help_proc.returncode == 0 and "--threshold" in help_proc.stdout
