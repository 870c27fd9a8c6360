"""The residual scan re-reads redacted records: placeholders pass, anything left is reported."""

from __future__ import annotations

import json

import pyarrow as pa

from forge_data.pii.manifest import summarize_findings
from forge_data.schema import make_record, records_table

TOKEN = "ghp_Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc2V"


def _records():
    return records_table(
        [
            make_record(
                kind="doc", source="wiki", uri="a", text="Page Aisha Bello on +1 (212) 867-5309 for Helix."
            ),
            make_record(
                kind="code",
                source="git",
                uri="b",
                language="python",
                text='API_TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJklmnopqr"\n',
            ),
            make_record(
                kind="chat",
                source="slack",
                uri="c",
                text="thanks Tomasz Kowalski, merged",
                turns=[{"speaker": "Priya Raman", "time": None, "text": "thanks Tomasz Kowalski, merged"}],
            ),
        ]
    )


def test_redacted_records_have_no_residual_findings(redactor):
    table, stats = redactor.redact_table(_records())
    assert stats["entities"] >= 5
    assert redactor.scan_residual(table, threshold=0.5) == []


def test_a_secret_left_in_deliberately_is_found_without_its_value(redactor):
    table, _ = redactor.redact_table(_records())
    texts = table.column("text").to_pylist()
    texts[1] = texts[1] + f'BACKUP_TOKEN = "{TOKEN}"\n'  # planted after redaction
    texts[0] = texts[0] + " Old number: 212-867-5309."
    leaky = table.set_column(table.column_names.index("text"), "text", pa.array(texts))
    findings = redactor.scan_residual(leaky, threshold=0.6)
    ids = table.column("id").to_pylist()
    assert {(f["id"], f["type"]) for f in findings} >= {(ids[1], "GITHUB_TOKEN"), (ids[0], "PHONE_NUMBER")}
    token = next(f for f in findings if f["type"] == "GITHUB_TOKEN")
    assert texts[1][token["start"] : token["end"]] == TOKEN and token["field"] == "text"
    assert TOKEN not in json.dumps(findings) and "867-5309" not in json.dumps(findings)
    assert set(token) == {"id", "field", "type", "start", "end", "score", "recognizer"}
    summary = summarize_findings(findings)
    assert summary["records"] == 2 and summary["by_type"]["GITHUB_TOKEN"] == 1
    assert set(summary["record_ids"]) == {ids[0], ids[1]} and TOKEN not in json.dumps(summary)


def test_placeholders_in_any_form_do_not_count(redactor):
    text = (
        "<PERSON_1a2b3c4d> asked <PERSON_5e6f7a8b> to rotate SECRET_0a1b2c3d; "
        'password = "<PASSWORD_9f8e7d6c>" and token: <GITHUB_TOKEN_00ff00ff>, masked <EMAIL_ADDRESS>.'
    )
    table = records_table([make_record(kind="chat", source="slack", uri="p", text=text)])
    assert redactor.scan_residual(table, threshold=0.3) == []


def test_threshold_decides(redactor):
    # A bare ten-digit run next to "phone" scores below 0.6 and above 0.3.
    table = records_table([make_record(kind="doc", source="wiki", uri="t", text="phone 4158675309 (desk)")])
    assert redactor.scan_residual(table, threshold=0.9) == []
    assert [f["type"] for f in redactor.scan_residual(table, threshold=0.3)] == ["PHONE_NUMBER"]
