"""Redaction converges: what a re-scan of the redacted output finds, a later pass has already redacted.

Replacing a value changes what the NER model reads around it. These tests use texts where
that happens, and show that the residual scan still reports what redaction leaves when it
is told to do less (one pass, a recognizer switched off, redaction disabled).
"""

from __future__ import annotations

import pytest

from forge_data.pii import Redactor
from forge_data.pii.detector import Finding
from forge_data.pii.pseudonyms import Pseudonymizer
from forge_data.pii.redaction import apply
from forge_data.schema import make_record, records_table

from .conftest import KEY

# The employee id is a company pattern; only once it reads <EMPLOYEE_ID_...> does the model
# take "Diego" for a person.
TOKEN = "ghp_Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc2V"
BADGE = "EMP-516129 is Diego's employee id, needed for the badge request"

# The shape of the file in the sample company whose redacted form failed the residual check:
# spaCy tagged words of "decodeClaims" as a person once the JWT before it was a placeholder.
TS_TEST = """import { describe, expect, it } from "vitest";
import { decodeClaims, isExpired } from "../auth";

// Captured from a staging session of Lena Fischer while debugging the login loop (INC-2241).
const TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJsZW5hLmZpc2NoZXIiLCJpc3MiOiJodHRwczovL2dhdGVob3VzZS5hY21lLmludGVybmFsIn0.Qm9ndXNfc2lnbmF0dXJlX2Zvcl90ZXN0c19vbmx5XzAx";

describe("decodeClaims", () => {
  it("reads the Gatehouse claims", () => {
    const claims = decodeClaims(TOKEN);
    expect(claims.iss).toBe("https://gatehouse.acme.internal");
  });
});
"""
JWT = TS_TEST.split('const TOKEN = "')[1].split('"')[0]
# Its redacted form as the failing check read it (the JWT's tag came from that run's key).
TS_TEST_REDACTED = (
    TS_TEST.replace("Lena Fischer", "<PERSON_3de61e19>")
    .replace(JWT, "<JWT_0b5e92ef>")
    .replace("gatehouse.acme.internal", "<INTERNAL_HOSTNAME_5c1d0e7a>")
)


@pytest.fixture(scope="module")
def one_pass(company_cfg):
    return Redactor(company_cfg.model_copy(update={"max_passes": 1}), KEY)


def _table(text: str, kind: str = "doc", language: str | None = None):
    return records_table([make_record(kind=kind, source="t", uri="u", text=text, language=language)])


def test_a_name_seen_only_after_a_replacement_is_redacted_with_offsets_into_the_original(redactor):
    table, stats = redactor.redact_table(_table(BADGE))
    (row,) = table.to_pylist()
    assert "Diego" not in row["text"] and "EMP-516129" not in row["text"]
    found = {(e["type"], BADGE[e["start"] : e["end"]]) for e in row["pii"]}
    assert found == {("EMPLOYEE_ID", "EMP-516129"), ("PERSON", "Diego")}
    assert stats["passes"] == 3 and stats["refound"] == 1 and stats["unsettled"] == 0
    assert redactor.scan_residual(table, threshold=0.5) == []
    # The texts API gives the same result.
    assert redactor.redact_texts([BADGE])[0].text == row["text"]


def test_one_pass_leaves_it_and_the_residual_scan_reports_it(one_pass):
    table, stats = one_pass.redact_table(_table(BADGE))
    text = table.column("text")[0].as_py()
    assert "Diego" in text and stats["passes"] == 1 and stats["refound"] == 0
    (finding,) = one_pass.scan_residual(table, threshold=0.6)
    assert finding["type"] == "PERSON" and text[finding["start"] : finding["end"]] == "Diego"


def test_the_typescript_test_file_is_a_fixpoint_whatever_the_key(company_cfg):
    for key in (KEY, b"another-key-of-sufficient-length", b"a-third-pseudonym-key-0123456789"):
        redactor = Redactor(company_cfg, key)
        table, stats = redactor.redact_table(_table(TS_TEST, "code", "typescript"))
        text = table.column("text")[0].as_py()
        assert "Lena" not in text and JWT not in text
        assert 'describe("decodeClaims"' in text and "decodeClaims(TOKEN)" in text  # code untouched
        assert stats["by_type"] == {"JWT": 1, "PERSON": 1, "INTERNAL_HOSTNAME": 1}
        for threshold in (company_cfg.score_threshold, 0.6):
            assert redactor.scan_residual(table, threshold=threshold) == []


def test_the_redacted_file_the_check_failed_on_scans_clean(redactor):
    """Clean for two reasons, each enough alone: the model reads every placeholder's tag as
    00000000, and a capitalised word glued to letters ('decodeClaims') is not taken for a name."""
    assert "<JWT_0b5e92ef>" in TS_TEST_REDACTED and "Lena" not in TS_TEST_REDACTED
    assert redactor.scan_residual(_table(TS_TEST_REDACTED, "code", "typescript"), threshold=0.5) == []


def test_what_the_model_finds_next_to_a_placeholder_does_not_depend_on_its_tag(redactor):
    # The zones of the failing file as NER reads them; with its own tags the model tagged
    # "JWT_0b5e92ef>\ndecodeClaims" as a person, with others it did not.
    piece = (
        "Captured from a staging session of <PERSON_{0}> while debugging the login loop (INC-2241).\n"
        "<JWT_{1}>\ndecodeClaims\nreads the Gatehouse claims"
    )
    tags = [("3de61e19", "0b5e92ef"), ("3de61e19", "12345678"), ("a0b1c2d3", "e4f5a6b7")]
    found = list(redactor.detector.nlp.ner([piece.format(*t) for t in tags], "en"))
    assert found[0] == found[1] == found[2]
    assert not any(e.label_ == "PERSON" for e in found[0])


def test_later_passes_keep_code_valid_and_never_touch_placeholders(redactor):
    code = f'NOTE = "{BADGE}"\nowner = "EMP-516129"  # ask Diego\n'
    result = redactor.redact_texts([code], ["code"], ["python"])[0]
    assert "Diego" not in result.text and result.text.count('"') == 4
    for e in result.entities:
        assert code[e.start : e.end] in ("EMP-516129", "Diego")
    assert [e.start for e in result.entities] == sorted(e.start for e in result.entities)


# --- the residual check is not weakened ---------------------------------------------------------


def test_residual_scan_reports_what_disabled_redaction_leaves(redactor, company_cfg):
    records = _table(
        f'# Rotated by Aisha Bello on Monday; ask her before changing it.\nTOKEN = "{TOKEN}"\n',
        "code",
        "python",
    )
    disabled = Redactor(company_cfg.model_copy(update={"enabled": False}), KEY)
    table, _ = disabled.redact_table(records)
    assert {f["type"] for f in redactor.scan_residual(table, threshold=0.6)} == {"GITHUB_TOKEN", "PERSON"}


def test_residual_scan_reports_what_a_removed_recognizer_leaves(redactor, company_cfg):
    records = _table(f"Deploy key for Aisha Bello: {TOKEN}")
    no_secrets = Redactor(company_cfg.model_copy(update={"secrets": False}), KEY)
    table, _ = no_secrets.redact_table(records)
    text = table.column("text")[0].as_py()
    # The model takes the token for a name too; its capitalised bits are not name words.
    assert "Aisha" not in text and TOKEN in text
    assert [f["type"] for f in redactor.scan_residual(table, threshold=0.6)] == ["GITHUB_TOKEN"]


# --- the offset map ---------------------------------------------------------------------------


def test_applied_maps_untouched_spans_back_to_the_original():
    text = "call Priya at 415-867-5309 or Jonas"
    findings = [Finding("PERSON", 5, 10, 0.9, "t"), Finding("PHONE_NUMBER", 14, 26, 0.9, "t")]
    applied = apply(text, findings, Pseudonymizer(KEY))
    new = applied.text
    for word in ("call", "at", "or Jonas"):
        s = new.index(word)
        start, end = applied.to_original(s, s + len(word))
        assert text[start:end] == word
    assert [(o[0], o[1]) for o in applied.spans] == [(5, 10), (14, 26)]
    assert all(new[rs:re].startswith("<") for _, _, rs, re in applied.spans)
    with pytest.raises(ValueError):
        applied.to_original(new.index("<PERSON"), new.index("<PERSON") + 3)
