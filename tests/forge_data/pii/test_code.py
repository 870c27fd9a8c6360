"""Code-aware redaction: names in strings and comments go, identifiers stay, code still parses."""

from __future__ import annotations

import ast
import json

import pytest
import tree_sitter_go
import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_python
from tree_sitter import Language, Parser

from forge_data.pii.code_zones import code_zones
from forge_data.pii.evalset import generate, planted_secrets

GRAMMARS = {
    "python": tree_sitter_python,
    "javascript": tree_sitter_javascript,
    "go": tree_sitter_go,
    "java": tree_sitter_java,
}


def _parses(text: str, language: str) -> bool:
    tree = Parser(Language(GRAMMARS[language].language())).parse(text.encode())
    return not tree.root_node.has_error


@pytest.fixture(scope="module")
def code_samples():
    samples = generate(n_chat=0, n_wiki=0, n_code=60, seed=31) + planted_secrets(copies=2, seed=31)
    return [s for s in samples if s.language in GRAMMARS]


def test_redacted_code_still_parses(redactor, code_samples):
    out = redactor.redact_texts(
        [s.text for s in code_samples], ["code"] * len(code_samples), [s.language for s in code_samples]
    )
    languages = set()
    for sample, result in zip(code_samples, out, strict=True):
        assert _parses(sample.text, sample.language), f"{sample.id} does not parse before redaction"
        assert result.entities or sample.id.startswith("secret-neg"), f"{sample.id}: nothing found"
        assert _parses(result.text, sample.language), f"{sample.id} broke"
        if sample.language == "python":
            ast.parse(result.text)
        languages.add(sample.language)
    assert languages == set(GRAMMARS)


def test_identifiers_that_look_like_names_stay_and_names_in_strings_and_comments_go(redactor):
    source = (
        "# Maintainer: Priya Raman, ask Tomasz Kowalski before changing retries\n"
        "class MorganScheduler:\n"
        '    """Owned by Aisha Bello."""\n\n'
        "    def notify_morgan(self, jordan_count, taylor_series):\n"
        '        owner = "Carlos Mendoza"\n'
        "        return jordan_count + taylor_series\n\n\n"
        "grant_access = MorganScheduler().notify_morgan(1, 2)\n"
    )
    result = redactor.redact_texts([source], ["code"], ["python"])[0]
    tree = ast.parse(result.text)
    names = (
        {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        | {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        | {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args}
    )
    assert {"MorganScheduler", "notify_morgan", "jordan_count", "taylor_series", "grant_access"} <= names
    for person in ("Priya", "Raman", "Tomasz", "Kowalski", "Aisha", "Carlos", "Mendoza"):
        assert person not in result.text
    assert all(e.type == "PERSON" for e in result.entities)
    assert '"<PERSON_' in result.text  # the string literal keeps its quotes


def test_a_secret_in_a_string_keeps_its_quotes_and_one_outside_becomes_an_identifier(redactor):
    source = (
        'GITHUB_TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJklmnopqr"\n'
        "PASSWORD = 'Summer2024!x'\n"
        "ROUTING = 4111111111111111\n"
        'ESCAPED = "token=ghp_0123456789abcdefghijABCDEFGHIJklmnopqr\\"done\\""\n'
    )
    result = redactor.redact_texts([source], ["code"], ["python"])[0]
    tree = ast.parse(result.text)
    values = {t.id: n.value for n in tree.body for t in n.targets}
    assert isinstance(values["GITHUB_TOKEN"], ast.Constant) and values["GITHUB_TOKEN"].value.startswith(
        "<GITHUB_TOKEN_"
    )
    assert values["PASSWORD"].value.startswith("<PASSWORD_")
    # A card number written as a bare literal becomes a bare name: still valid Python.
    assert isinstance(values["ROUTING"], ast.Name) and values["ROUTING"].id.startswith("CREDIT_CARD_")
    assert values["ESCAPED"].value.endswith('"done"')
    assert "ghp_" not in result.text and "Summer2024" not in result.text


def test_code_zones_cover_strings_and_comments_only():
    source = 'x = "Jane Doe"  # ask Bob\ny = f(x) // 2  # done\n'
    zones = [source[s:e] for s, e in code_zones(source, "python")]
    assert zones == ["Jane Doe", " ask Bob", " done"]
    js = "const a = `Hi ${name}`; // Ann\n/* Bob */ let b = 'it\\'s';"
    assert [js[s:e] for s, e in code_zones(js, "javascript")] == ["Hi ${name}", " Ann", " Bob ", "it\\'s"]
    rust = "fn f<'a>(x: &'a str) -> char { let c = 'z'; \"Jo\" }"
    assert [rust[s:e] for s, e in code_zones(rust, "rust")] == ["z", "Jo"]
    sql = "SELECT 'O''Brien' -- owner Ann\n"
    assert [sql[s:e] for s, e in code_zones(sql, "sql")] == ["O''Brien", " owner Ann"]
    css = "a{color:#fff} # note"
    assert [css[s:e] for s, e in code_zones(css, None)] == [" note"]


def test_json_stays_json(redactor):
    source = json.dumps(
        {"owner": "Priya Raman", "ssn": 123456789, "mail": "priya.raman@globex.io", "retries": 3}
    )
    result = redactor.redact_texts([source], ["code"], ["json"])[0]
    data = json.loads(result.text)
    assert data["retries"] == 3
    assert data["owner"].startswith("<PERSON_") and data["mail"].startswith("<EMAIL_ADDRESS_")
    assert isinstance(data["ssn"], str) and data["ssn"].startswith("<US_SSN_")
