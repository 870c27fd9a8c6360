"""A fresh mini company per test (about a second to build), and helpers to compare store states."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_data.config import ForgeConfig, load
from forge_data.steps.local_run import run_curation
from forge_data.store import VersionStore
from forge_data.store.factory import open_store
from tests.forge_data.steps import mini_company


@pytest.fixture
def company(tmp_path: Path) -> Path:
    """The mini company's forge.yaml (state in ``<tmp>/company/state``)."""
    return mini_company.build(tmp_path / "company")


def published(config: Path, **kw) -> tuple[ForgeConfig, VersionStore, dict]:
    """Run the curation path once (audited) and return the config, its store and the result."""
    cfg = load(config)
    store = open_store(cfg.store, cfg.resolve)
    result = run_curation(cfg, store, audit=True, **kw)
    assert not result["problems"], result["problems"]
    return cfg, store, result
