"""Shared fixtures: one loaded Redactor per test module (loading spaCy takes a second or two)."""

from __future__ import annotations

import pytest

from forge_data.config import PiiConfig
from forge_data.pii.evaltemplates import EVAL_COMPANY

KEY = b"test-pseudonym-key-0123456789abcdef"


@pytest.fixture(scope="module")
def company_cfg() -> PiiConfig:
    """The evaluation company: allow-listed products and teams, employee ids, internal hosts."""
    return PiiConfig(**EVAL_COMPANY)


@pytest.fixture(scope="module")
def redactor(company_cfg):
    from forge_data.pii import Redactor

    return Redactor(company_cfg, KEY)
