from __future__ import annotations

import json
from pathlib import Path

import pytest

from forge_data.config import ScorecardConfig
from forge_data.datasets import write_dataset
from forge_data.feedback import write_failing_cases
from forge_data.rewards import Scorecard
from tests.training.synthetic import grpo_prompts
from training.common.cli import StageError
from training.common.reporter import Reporter
from training.grpo import CriterionReward, GrpoRun, load_prompts, prompt_rows, run

# Learnable by a tiny model in a few dozen steps: name the one service the glossary lists (one of six
# the corpus mentions equally often), and stop before the length limit.
SCORECARD = {
    "version": "test-1",
    "glossary": ["frobnicator"],
    "criteria": [
        {"name": "uses_company_terms", "kind": "terminology", "weight": 1.0},
        {"name": "too_long", "kind": "length_overrun", "weight": -0.5, "params": {"max_words": 12}},
    ],
}
STAGE = {
    "max_steps": 30,
    "batch_size": 8,
    "num_generations": 4,
    "max_completion_length": 12,
    "learning_rate": 3e-3,
    "logging_steps": 5,
    "save_steps": 30,
    "seq_len": 128,
    "beta": 0.0,  # no KL anchor to the CPT model: this checks the reward reaches the weights in 30 steps
}


def _cfg(tmp_path: Path, cpt_output: dict, data_dir: Path, **overrides) -> GrpoRun:
    prompts = write_dataset(grpo_prompts(40), tmp_path / "prompts.jsonl")
    fields = dict(
        output_dir=str(tmp_path / "out"),
        train_file=str(prompts),
        init_from=cpt_output["model_dir"],
        corpus_files=[str(data_dir / "cpt_train.jsonl")],
        scorecard=SCORECARD,
        chat=False,
        stage=STAGE,
    )
    return GrpoRun(**{**fields, **overrides})


def test_grpo_raises_the_scorecard_reward(tmp_path, cpt_output, data_dir):
    summary = run(_cfg(tmp_path, cpt_output, data_dir), Reporter("grpo"))
    assert summary["steps"] == 30 and summary["eval_prompts"] == 8
    for way in ("greedy", "sampled"):  # the task is easy enough for the greedy answer to learn it too
        before, after = summary["reward"][way]["before"], summary["reward"][way]["after"]
        assert after["mean_reward"] > before["mean_reward"], way
        terms = after["criteria"]["uses_company_terms"]
        assert terms["mean_score"] > before["criteria"]["uses_company_terms"]["mean_score"], way
        assert after["scorecard_digest"] == summary["scorecard"]["digest"]
    assert summary["reward"]["sampled"]["after"]["answers"] == 8 * 8  # reward_samples per held-out prompt
    logged = [json.loads(line) for line in (tmp_path / "out" / "log_history.jsonl").read_text().splitlines()]
    assert any("rewards/uses_company_terms/mean" in r for r in logged)
    assert (Path(summary["model_dir"]) / "model.safetensors").is_file()


def test_prompts_come_from_conversations_when_no_prompt_file_is_set(data_dir):
    rows = prompt_rows(json_lines(data_dir / "sft_train.jsonl"), "sft_train.jsonl")
    assert rows and all(r["prompt"] and r["reference"] for r in rows)
    with pytest.raises(StageError, match="x.jsonl: 1 of 2 rows have neither a 'prompt' nor a user turn"):
        prompt_rows([{"prompt": "hi"}, {"messages": [{"role": "assistant", "content": "hello"}]}], "x.jsonl")


def json_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_failing_production_prompts_join_the_training_prompts(tmp_path, cpt_output, data_dir):
    cases = [{"prompt": "Who owns frobnicator?", "reference": "The search team owns frobnicator."}]
    written = write_failing_cases(cases, tmp_path / "state")
    cfg = _cfg(tmp_path, cpt_output, data_dir, failing_cases=str(written))
    train, held, failing = load_prompts(cfg)
    assert failing == 1 and train[-1] == cases[0] and len(train) == 33 and len(held) == 8
    missing = _cfg(tmp_path, cpt_output, data_dir, failing_cases=str(tmp_path / "none.jsonl"))
    assert load_prompts(missing)[2] == 0  # no file yet: the sensor has not asked for RL


def test_each_criterion_is_a_named_reward_function_over_trl_completions():
    card = Scorecard(ScorecardConfig(**SCORECARD))
    terms, too_long = (CriterionReward(card, c, max_tokens=4) for c in card.criteria)
    assert terms.__name__ == "uses_company_terms"
    completions = [
        [{"role": "assistant", "content": "ask frobnicator"}],
        [{"role": "assistant", "content": "no"}],
    ]
    prompts = [[{"role": "user", "content": "q"}]] * 2
    assert terms(prompts, completions, completion_ids=[[1, 2], [1]]) == [1.0, 0.0]
    assert too_long(prompts, completions, completion_ids=[[1, 2, 3, 4], [1]]) == [1.0, 0.0]  # cut off at 4


def test_a_batch_that_cannot_hold_whole_groups_is_a_stage_error(tmp_path, cpt_output, data_dir):
    cfg = _cfg(tmp_path, cpt_output, data_dir, stage={**STAGE, "batch_size": 6})
    with pytest.raises(StageError, match="multiple of stage.num_generations"):
        run(cfg, Reporter("grpo"))


def test_a_kl_penalty_without_a_reference_folder_is_a_stage_error(
    tmp_path, cpt_output, data_dir, tokenizer_dir
):
    from tests.training.conftest import tiny_model

    stage = {k: v for k, v in STAGE.items() if k != "beta"}
    scratch = _cfg(
        tmp_path,
        cpt_output,
        data_dir,
        init_from=None,
        tokenizer_dir=str(tokenizer_dir),
        model=tiny_model(),
        stage=stage,
    )
    assert scratch.stage.beta == 0.04  # the default
    with pytest.raises(StageError, match="stage.beta > 0 needs a reference model"):
        run(scratch, Reporter("grpo"))


def test_a_run_resumed_from_its_last_checkpoint_ends_with_the_same_weights(tmp_path, cpt_output, data_dir):
    """What a kill after checkpoint-8 leaves on disk (the SIGKILL itself is tested for CPT in
    test_resume.py): sampling, the KL reference and the optimizer all pick up where they were."""
    import shutil

    import torch
    from safetensors.torch import load_file

    stage = {**STAGE, "max_steps": 12, "save_steps": 4, "logging_steps": 1, "beta": 0.04}

    def cfg(name: str) -> GrpoRun:
        return _cfg(
            tmp_path, cpt_output, data_dir, output_dir=str(tmp_path / name), stage=stage, reward_samples=0
        )

    run(cfg("reference"), Reporter("grpo"))
    run(cfg("killed"), Reporter("grpo"))
    shutil.rmtree(tmp_path / "killed" / "model")
    shutil.rmtree(tmp_path / "killed" / "checkpoints" / "checkpoint-12")
    resumed = run(cfg("killed"), Reporter("grpo"))
    assert resumed["resumed_from"] == "checkpoint-8" and resumed["steps"] == 12
    a = load_file(tmp_path / "reference" / "model" / "model.safetensors")
    b = load_file(tmp_path / "killed" / "model" / "model.safetensors")
    for key in a:
        torch.testing.assert_close(b[key], a[key], rtol=0, atol=1e-6, msg=key)
