"""Company settings: allow-listed product and team names stay; id patterns and internal hosts go."""

from __future__ import annotations

import pytest

from forge_data.config import ConfigError, PiiConfig, parse
from forge_data.pii import Redactor

from .conftest import KEY


def test_allow_listed_products_and_teams_stay(redactor, company_cfg):
    text = (
        "Ada Assistant and Sherlock ship today; Team Falcon owns Jarvis. "
        "Thanks Priya Raman, Sherlock looks great."
    )
    result = redactor.redact_texts([text], ["chat"])[0]
    for term in ("Ada Assistant", "Sherlock", "Team Falcon", "Jarvis"):
        assert term in company_cfg.allow_list and term in result.text
    assert "Priya" not in result.text
    assert [e.type for e in result.entities] == ["PERSON"]


def test_employee_ids_and_internal_hosts_from_config(redactor):
    text = "EMP-204518 can ssh to build-07.corp.acme.internal but not to www.acme.com (EMP-12 is no id)."
    result = redactor.redact_texts([text], ["doc"])[0]
    found = {(e.type, text[e.start : e.end]) for e in result.entities}
    assert ("EMPLOYEE_ID", "EMP-204518") in found
    assert ("INTERNAL_HOSTNAME", "build-07.corp.acme.internal") in found
    assert "www.acme.com" in result.text and "EMP-12 " in result.text


@pytest.fixture(scope="module")
def narrow():
    """Only e-mail, a MAC address (a Presidio entity Forge has no recognizer of its own for) and
    a customer number that needs a context word; secrets off."""
    project = parse(
        {
            "sources": [{"name": "wiki", "kind": "wiki", "path": "wiki"}],
            "curation": {
                "pii": {
                    "entities": ["EMAIL_ADDRESS", "MAC_ADDRESS"],
                    "secrets": False,
                    "recognizers": [
                        {
                            "name": "customer_no",
                            "entity": "CUSTOMER_NUMBER",
                            "patterns": [r"\bC\d{7}\b"],
                            "score": 0.3,
                            "context": ["customer"],
                        }
                    ],
                }
            },
        }
    )
    return Redactor(project.curation.pii, KEY)


def test_only_configured_entities_are_redacted(narrow):
    text = "Priya Raman (priya@globex.io, +1 415 867 5309, NIC 00:1A:2B:3C:4D:5E) token ghp_" + "a" * 36
    result = narrow.redact_texts([text], ["doc"])[0]
    assert {e.type for e in result.entities} == {"EMAIL_ADDRESS", "MAC_ADDRESS"}
    assert "Priya Raman" in result.text and "+1 415 867 5309" in result.text and "ghp_" in result.text


def test_company_recognizer_context_words_raise_the_score(narrow):
    with_context, without = narrow.redact_texts(["customer C1234567 called", "build C1234567 passed"])
    assert [e.type for e in with_context.entities] == ["CUSTOMER_NUMBER"]
    assert without.entities == []


def test_unknown_entity_is_a_config_error_naming_it():
    with pytest.raises(ConfigError, match="NOT_A_THING"):
        Redactor(PiiConfig(entities=["PERSON", "NOT_A_THING"]), KEY)


def test_bad_company_pattern_is_rejected_when_the_file_is_read():
    with pytest.raises(ConfigError, match=r"recognizers\.0\.patterns"):
        parse(
            {
                "sources": [{"name": "w", "kind": "wiki", "path": "w"}],
                "curation": {
                    "pii": {"recognizers": [{"name": "x", "entity": "X", "patterns": ["(unclosed"]}]}
                },
            }
        )
