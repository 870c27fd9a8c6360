"""The recipe plans DPO after SFT and GRPO after DPO, each starting from the stage before it."""

from __future__ import annotations

import pytest

from forge_data.config import parse
from forge_data.feedback import write_failing_cases
from training import recipe

DATASETS = {
    "paths": {k: f"/data/{k}.jsonl" for k in ("cpt_train", "cpt_eval", "sft_train", "sft_eval")},
    "data_commit": "c0ffee",
}


def _cfg(tmp_path, **stages):
    data = {
        "project": {"name": "acme", "state_dir": "state"},
        "sources": [{"name": "wiki", "kind": "wiki", "path": "wiki"}],
        "training": {"stages": stages},
        "scorecard": {"version": "2", "glossary": ["ledgerd"]},
    }
    return parse(data, base_dir=tmp_path)


def test_dpo_and_grpo_follow_sft_and_evaluation_judges_the_last(tmp_path):
    cfg = _cfg(tmp_path, dpo={"enabled": True, "feedback": "feedback.jsonl"}, grpo={"enabled": True})
    stages = recipe.plan(cfg, DATASETS, tmp_path / "runs")
    assert [s.name for s in stages] == ["tokenizer", "cpt", "sft", "dpo", "grpo", "evaluate"]
    by = {s.name: s for s in stages}
    assert by["dpo"].config["init_from"] == str(by["sft"].model_dir)
    assert by["dpo"].config["train_file"] == str(tmp_path / "feedback.jsonl")
    grpo = by["grpo"].config
    assert grpo["init_from"] == str(by["dpo"].model_dir)
    assert grpo["train_file"] == "/data/sft_train.jsonl"  # no prompts file: questions from the conversations
    assert grpo["failing_cases"] == str(tmp_path / "state" / "feedback" / "failing_cases.jsonl")
    assert grpo["scorecard"]["version"] == "2"
    assert by["evaluate"].config["model_dir"] == str(by["grpo"].model_dir)
    assert by["evaluate"].config["scorecard"]["glossary"] == ["ledgerd"]
    assert recipe.trained_stages(stages)[-1].name == "grpo"


def test_the_programs_accept_the_planned_configs(tmp_path):
    from training.dpo import DpoRun
    from training.evaluate import EvalRun
    from training.grpo import GrpoRun

    cfg = _cfg(
        tmp_path, dpo={"enabled": True, "feedback": "f.jsonl"}, grpo={"enabled": True, "prompts": "p.jsonl"}
    )
    by = {s.name: s for s in recipe.plan(cfg, DATASETS, tmp_path / "runs")}
    DpoRun.model_validate(by["dpo"].config)
    assert GrpoRun.model_validate(by["grpo"].config).train_file == str(tmp_path / "p.jsonl")
    EvalRun.model_validate(by["evaluate"].config)


def test_new_failing_cases_start_a_new_grpo_run(tmp_path):
    cfg = _cfg(tmp_path, grpo={"enabled": True})
    first = recipe.stage(recipe.plan(cfg, DATASETS, tmp_path / "runs"), "grpo").output_dir
    write_failing_cases([{"prompt": "Who owns ledgerd?"}], cfg.state_dir)
    second = recipe.stage(recipe.plan(cfg, DATASETS, tmp_path / "runs"), "grpo").output_dir
    assert first != second
    assert recipe.stage(recipe.plan(cfg, DATASETS, tmp_path / "runs"), "grpo").output_dir == second


def test_dpo_without_a_feedback_file_is_an_error_naming_the_setting(tmp_path):
    with pytest.raises(ValueError, match="training.stages.dpo.feedback"):
        recipe.plan(_cfg(tmp_path, dpo={"enabled": True}), DATASETS, tmp_path / "runs")
