"""`forge redact` end to end, through the real CLI in a subprocess."""

from __future__ import annotations

import json
import re
import stat

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

KEY = {"FORGE_PSEUDONYM_KEY": "cli-test-key-0123456789abcdef"}
NO_KEY = {"FORGE_PSEUDONYM_KEY": ""}
TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJklmnopqr"

ROWS = [
    {"id": 1, "text": "Hi Priya Raman, call me at (415) 867-5309.", "source": "slack"},
    {"id": 2, "text": "nothing personal here", "source": "slack"},
    {"id": 3, "text": f'TOKEN = "{TOKEN}"  # ask Priya Raman', "kind": "code", "source": "git"},
    {"id": 4, "text": "Priya Raman moved to 742 Evergreen Terrace, Springfield, IL 62704.", "source": "wiki"},
]


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_jsonl_round_trip_keeps_order_fields_and_offsets_into_the_original(run_forge, tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = [dict(r, kind=r.get("kind", "chat")) for r in ROWS]
    _write_jsonl(src, rows)
    proc = run_forge("redact", src, dst, "--json", env=KEY)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == [1, 2, 3, 4] and [o["source"] for o in out] == [
        r["source"] for r in rows
    ]
    for row, o in zip(rows, out, strict=True):
        for e in o["entities"]:
            assert set(e) >= {"type", "start", "end", "score"}
            assert 0 <= e["start"] < e["end"] <= len(row["text"])
    found = {
        (e["type"], rows[i]["text"][e["start"] : e["end"]]) for i, o in enumerate(out) for e in o["entities"]
    }
    assert {
        ("PERSON", "Priya Raman"),
        ("PHONE_NUMBER", "(415) 867-5309"),
        ("GITHUB_TOKEN", TOKEN),
        ("STREET_ADDRESS", "742 Evergreen Terrace, Springfield, IL 62704"),
    } <= found
    assert out[1] == dict(rows[1], entities=[])
    priya = {p for o in out for p in re.findall(r"<PERSON_[0-9a-f]{8}>", o["text"])}
    assert len(priya) == 1  # one name, one placeholder, on every line
    assert 'TOKEN = "<GITHUB_TOKEN_' in out[2]["text"]
    assert summary["ok"] is True and summary["rows"] == 4 and summary["rows_with_entities"] == 3
    assert summary["by_type"]["PERSON"] == 3 and summary["entities"] == sum(summary["by_type"].values())
    # The fixpoint: at least one pass, and every text settled within curation.pii.max_passes.
    passes = summary["redaction_passes"]
    assert 1 <= passes["passes"] <= 3 and passes["unsettled"] == 0 and passes["refound"] >= 0
    assert "Priya" not in proc.stdout + proc.stderr and "867-5309" not in proc.stdout + proc.stderr


def test_parquet_round_trip_with_project_file_and_a_kept_key(run_forge, tmp_path):
    (tmp_path / "forge.yaml").write_text(
        "sources:\n  - {name: wiki, kind: wiki, path: wiki}\n"
        "curation:\n  pii:\n    allow_list: [Springfield]\n",
        encoding="utf-8",
    )
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.Table.from_pylist([{k: v for k, v in r.items() if k != "kind"} for r in ROWS]), src)
    proc = run_forge("redact", src, dst, "--config", tmp_path / "forge.yaml", env=NO_KEY)
    assert proc.returncode == 0, proc.stderr
    key_file = tmp_path / "state" / "secrets" / "pseudonym.key"
    assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert str(key_file) in proc.stderr and key_file.read_text().strip() not in proc.stderr
    out = pq.read_table(dst)
    assert out.column("id").to_pylist() == [1, 2, 3, 4]
    assert out.schema.field("entities").type.value_type.names[:4] == ["type", "start", "end", "score"]
    entities = out.column("entities").to_pylist()
    assert [e["type"] for e in entities[0]] == ["PERSON", "PHONE_NUMBER"]
    assert ROWS[0]["text"][entities[0][0]["start"] : entities[0][0]["end"]] == "Priya Raman"

    again = tmp_path / "again.parquet"
    assert run_forge("redact", src, again, "--config", tmp_path / "forge.yaml", env=NO_KEY).returncode == 0
    assert pq.read_table(again).column("text").to_pylist() == out.column("text").to_pylist()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ('{"text": "a"}\n{"text": \n', "in.jsonl:2: not valid JSON"),
        ('{"body": "Priya Raman"}\n', "needs a 'text' field"),
        ('{"text": "ok"}\n{"text": null}\n', "1 rows have no 'text'"),
        ('{"text": "ok"}\n{"text": 4158675309}\n', "conflicting types"),
        ('{"text": "ok", "kind": "email"}\n', "'kind' must be one of"),
        ('["Priya Raman"]\n', "expected a JSON object"),
    ],
)
def test_bad_input_exits_2_with_one_line_reason(run_forge, tmp_path, content, message):
    src = tmp_path / "in.jsonl"
    if content is not None:
        src.write_text(content, encoding="utf-8")
    proc = run_forge("redact", src, tmp_path / "out.jsonl", env=KEY)
    assert proc.returncode == 2
    assert proc.stderr.startswith("forge redact: ") and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Priya" not in proc.stderr and "4158675309" not in proc.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_same_input_and_output_is_refused(run_forge, tmp_path):
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, ROWS[:1])
    proc = run_forge("redact", src, src, env=KEY)
    assert proc.returncode == 2 and "different files" in proc.stderr


def test_help_describes_the_contract(run_forge):
    proc = run_forge("redact", "--help")
    assert proc.returncode == 0
    assert (
        "IN" in proc.stdout and "OUT" in proc.stdout and "ORIGINAL" in proc.stdout and "--json" in proc.stdout
    )
