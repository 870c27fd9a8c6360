"""write_project_file produces a forge.yaml that Forge's own loader accepts and that points at the sample."""

from __future__ import annotations

import re

import pytest

from forge_data.config import load
from forge_data.sample import write_project_file


@pytest.mark.parametrize("where", ["next_to_sample", "elsewhere"])
def test_project_file_validates_and_resolves(sample, tmp_path, where):
    path = sample.path("forge.yaml") if where == "next_to_sample" else tmp_path / "projects" / "acme.yaml"
    try:
        cfg = load(write_project_file(sample, path))
    finally:
        path.unlink(missing_ok=True)  # the sample folder is shared by other tests
    assert [(s.name, s.kind) for s in cfg.sources] == [
        ("platform-code", "git"),
        ("wiki", "wiki"),
        ("slack", "chat"),
        ("mail", "chat"),
    ]
    assert cfg.resolve(cfg.source("platform-code").path) == sample.path("repo").resolve()
    assert cfg.resolve(cfg.source("mail").path).is_file()
    assert (cfg.resolve(cfg.source("slack").path) / "channels.json").is_file()
    assert cfg.resolve(cfg.training.eval.acceptance) == sample.path(sample.paths["acceptance"]).resolve()
    assert cfg.resolve(cfg.training.stages.dpo.feedback).is_file()
    assert cfg.resolve(cfg.training.stages.grpo.prompts).is_file()
    if where == "next_to_sample":
        assert not cfg.source("wiki").path.startswith("/")


def test_scorecard_and_pii_settings(sample, tmp_path):
    cfg = load(write_project_file(sample, tmp_path / "forge.yaml"))
    assert cfg.scorecard.glossary == sample.glossary
    weights = {c.kind: c.weight for c in cfg.scorecard.criteria}
    assert weights == {
        "correct_answer": 1.0,
        "terminology": 0.5,
        "security": 0.3,
        "length_overrun": -0.5,
        "hallucination": -1.0,
        "degenerate": -1.0,
    }
    pii = cfg.curation.pii
    assert {"Anvil", "Foundry", "Tongs", "Platform"} <= set(pii.allow_list)
    (rec,) = pii.recognizers
    assert rec.entity in pii.entities
    employee_ids = {p.value for p in sample.pii if p.type == "EMPLOYEE_ID"}
    assert employee_ids
    for value in employee_ids:
        assert any(re.search(pat, f"badge {value} lost") for pat in rec.patterns)
    assert not any(re.search(pat, "INC-2417 and anvil-server-v1.2.3") for pat in rec.patterns)
