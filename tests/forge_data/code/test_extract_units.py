"""extract_units() with the real tree-sitter grammars of every supported language."""

from __future__ import annotations

import pytest

from forge_data.code import UNIT_SCHEMA, extract_units
from forge_data.schema import make_record, records_table

from .samples import BROKEN, CASES


def _code(language: str, source: str, uri: str | None = None) -> dict:
    return make_record(
        kind="code", source="repo-a", uri=uri or f"src/file.{language}", text=source, language=language
    )


@pytest.mark.parametrize(("language", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_units_with_names_signatures_docstrings_parents_and_lines(language, source, expected):
    units, stats = extract_units(records_table([_code(language, source)]))
    assert units.schema == UNIT_SCHEMA
    got = [
        (
            u["unit_type"],
            u["qualified_name"],
            u["parent"],
            u["signature"],
            u["docstring"],
            u["line_start"],
            u["line_end"],
        )
        for u in units.to_pylist()
    ]
    assert got == expected
    for u in units.to_pylist():
        lines = source.splitlines()[u["line_start"] - 1 : u["line_end"]]
        assert (
            u["name"] in "\n".join(lines) and u["language"] == language and u["uri"] == f"src/file.{language}"
        )
        assert u["text"].strip() and u["text"].strip() in source
    assert stats["files_per_language"] == {language: 1}
    assert stats["syntax_error_rate"] == {language: 0.0}
    assert stats["units_per_language"] == {language: len(expected)}


def test_syntax_error_rate_per_language_and_overall():
    rows = [_code(lang, src, f"bad.{lang}") for lang, src in BROKEN.items()]
    rows += [_code(lang, src, f"good.{lang}") for lang, src, _ in CASES]
    units, stats = extract_units(records_table(rows))
    assert stats["syntax_error_rate"]["python"] == 0.5
    assert stats["syntax_error_rate"]["go"] == 0.5
    assert stats["syntax_error_rate"]["java"] == 0.0
    assert stats["files_with_errors"] == 3
    assert stats["syntax_error_rate_overall"] == round(3 / (3 + len(CASES)), 6)
    bad_ids = {r["id"] for r in rows[:3]}
    assert set(stats["error_file_ids"]) == bad_ids
    # A broken file still yields the units tree-sitter recovered around the error.
    names = {(u["uri"], u["name"]) for u in units.to_pylist()}
    assert ("bad.python", "fine") in names and ("bad.rust", "ok") in names


def test_fenced_blocks_in_markdown_docs():
    doc = (
        '# Guide\n\nSome prose.\n\n```python\ndef hello(name):\n    """Greets."""\n    return name\n```\n\n'
        "More prose.\n\n~~~rs\nfn add(a: i32) -> i32 { a }\n~~~\n\n```mermaid\ngraph TD\n```\n\n```\nplain\n```\n"
    )
    rec = make_record(kind="doc", source="wiki", uri="guide.md", text=doc, language="markdown")
    chat = make_record(kind="chat", source="slack", uri="t1", text="```python\ndef ignored(): pass\n```")
    units, stats = extract_units(records_table([rec, chat]))
    got = [
        (u["language"], u["name"], u["docstring"], u["line_start"], u["line_end"]) for u in units.to_pylist()
    ]
    assert got == [("python", "hello", "Greets.", 6, 8), ("rust", "add", None, 14, 14)]
    lines = doc.splitlines()
    assert lines[5].startswith("def hello") and lines[13].startswith("fn add")
    assert stats["markdown_blocks_per_language"] == {"python": 1, "rust": 1}
    assert stats["markdown_unsupported_blocks"] == {"mermaid": 1}
    assert stats["files_per_language"] == {}


def test_unsupported_languages_are_counted_not_parsed():
    rows = [_code("cobol", "IDENTIFICATION DIVISION."), _code("C++", "int f() { return 1; }")]
    units, stats = extract_units(records_table(rows))
    assert stats["unsupported_languages"] == {"cobol": 1}
    assert [u["language"] for u in units.to_pylist()] == ["cpp"]


def test_unit_ids_are_stable_and_hashes_follow_content():
    rec = _code("python", "def f():\n    return 1\n")
    a, _ = extract_units(records_table([rec]))
    b, _ = extract_units(records_table([rec]))
    assert a.column("id").to_pylist() == b.column("id").to_pylist()
    other, _ = extract_units(records_table([_code("python", "def f():\n    return 2\n")]))
    assert a.column("content_hash")[0] != other.column("content_hash")[0]


def test_units_can_be_switched_off():
    from forge_data.config import CodeConfig

    units, stats = extract_units(
        records_table([_code("python", "def f():\n    return 1\n")]), CodeConfig(units=False)
    )
    assert units.num_rows == 0 and stats["units"] == 0 and units.schema == UNIT_SCHEMA
