from __future__ import annotations

from pathlib import Path

import pytest

from forge_data.datasets import write_dataset
from tests.training.synthetic import feedback_pairs
from training.common.cli import StageError
from training.common.reporter import Reporter
from training.dpo import DpoRun, run

STAGE = {
    "max_steps": 16,
    "batch_size": 4,
    "seq_len": 64,
    "learning_rate": 5e-4,
    "logging_steps": 4,
    "save_steps": 8,
    "beta": 0.1,
}


def _cfg(tmp_path: Path, cpt_output: dict, **overrides) -> DpoRun:
    feedback = write_dataset(feedback_pairs(), tmp_path / "feedback.jsonl")
    fields = dict(
        output_dir=str(tmp_path / "out"),
        train_file=str(feedback),
        init_from=cpt_output["model_dir"],
        eval_fraction=0.25,
        stage=STAGE,
    )
    return DpoRun(**{**fields, **overrides})


def test_dpo_prefers_the_chosen_answers_after_training(tmp_path, cpt_output):
    summary = run(_cfg(tmp_path, cpt_output), Reporter("dpo"))
    before, after = summary["preference"]["before"], summary["preference"]["after"]
    assert summary["steps"] == 16 and summary["eval_pairs"] == 6 and summary["train_pairs"] == 18
    # the implicit reward starts at zero: the policy is its own reference
    assert before["reward_margin"] == pytest.approx(0, abs=1e-6)
    assert after["reward_margin"] > 0 and after["reward_accuracy"] == 1.0
    assert after["logp_margin"] > before["logp_margin"] and after["loss"] < before["loss"]
    assert (Path(summary["model_dir"]) / "model.safetensors").is_file()
    assert (tmp_path / "out" / "checkpoints" / "checkpoint-16").is_dir()


def test_pairs_missing_a_field_are_a_stage_error_naming_it(tmp_path, cpt_output):
    rows = feedback_pairs(4)
    del rows[2]["rejected"]
    bad = write_dataset(rows, tmp_path / "bad.jsonl")
    with pytest.raises(StageError, match=r"bad\.jsonl: 1 of 4 rows have no 'rejected'"):
        run(_cfg(tmp_path, cpt_output, train_file=str(bad)), Reporter("dpo"))
