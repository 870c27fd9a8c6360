from pathlib import Path

import pytest
import yaml

from forge_data.config import load
from forge_data.init import plan_project, render

GOAL = "a customer-service assistant that knows our product docs and follows our security rules"


def _decisions(description: str) -> dict:
    return {d.path: d.value for d in plan_project(description).decisions}


def test_support_goal_picks_chat_sft_and_rl_with_terminology_and_security():
    d = _decisions(GOAL)
    assert {s["kind"] for s in d["sources"]} == {"wiki", "chat"}
    assert d["training.stages.sft.enabled"] is True
    assert d["training.stages.grpo.enabled"] is True
    kinds = {c["kind"]: c["weight"] for c in d["scorecard.criteria"]}
    assert kinds["terminology"] == 0.5 and kinds["security"] == 0.3 and kinds["hallucination"] == -1.0
    assert kinds["degenerate"] == -1.0
    assert d["curation.pii.score_threshold"] < 0.5


def test_code_goal_weights_code_and_skips_rl():
    d = _decisions("a coding helper for our developers that knows the repositories")
    assert [s["kind"] for s in d["sources"]] == ["git"]
    assert d["training.stages.cpt.mix"]["code"] > 0.5
    assert d["training.stages.grpo.enabled"] is False
    assert "curation.pii.score_threshold" not in d


def test_rendered_file_validates_and_explains_every_choice(tmp_path: Path):
    plan = plan_project(GOAL + ", a mixture of experts trained on user feedback")
    text = render(plan, project_name="acme")
    path = tmp_path / "forge.yaml"
    path.write_text(text)
    cfg = load(path)
    assert cfg.training.model.architecture == "moe"
    assert cfg.training.stages.dpo.enabled is True
    assert yaml.safe_load(text)["project"]["name"] == "acme"
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    for decision in plan.decisions:
        assert f"# {decision.reason}" in comments, decision.path


def test_empty_goal_is_rejected():
    with pytest.raises(ValueError, match="describe"):
        plan_project("   ")


def test_cli_writes_refuses_to_overwrite_and_reports_json(run_forge, tmp_path: Path):
    out = tmp_path / "proj" / "forge.yaml"
    first = run_forge("init", GOAL, "--out", out, "--json")
    assert first.returncode == 0, first.stderr
    assert load(out).sources
    assert '"matched"' in first.stdout
    again = run_forge("init", GOAL, "--out", out)
    assert again.returncode == 2 and "--force" in again.stderr
    assert run_forge("init", "a wiki bot", "--out", out, "--force").returncode == 0
