from __future__ import annotations

import json

from training.common.reporter import Reporter
from training.sweep import SweepRun, grid_points, run

STAGE = {"max_steps": 6, "seq_len": 64, "logging_steps": 3, "save_steps": 6}


def _cfg(tmp_path, data_dir, cpt_output, **overrides) -> SweepRun:
    fields = dict(
        output_dir=str(tmp_path / "sweep"),
        train_file=str(data_dir / "sft_train.jsonl"),
        eval_file=str(data_dir / "sft_eval.jsonl"),
        init_from=cpt_output["model_dir"],
        stage=STAGE,
        grid={"learning_rate": [1e-5, 3e-3], "batch_size": [4], "lora_rank": [0, 4]},
        trials=3,
    )
    return SweepRun(**{**fields, **overrides})


def test_a_sample_of_the_grid_is_seeded_and_a_small_grid_is_tried_whole(tmp_path, data_dir, cpt_output):
    cfg = _cfg(tmp_path, data_dir, cpt_output)
    points = grid_points(cfg)
    assert len(points) == 3 and points == grid_points(cfg) and len({json.dumps(p) for p in points}) == 3
    assert len(grid_points(cfg.model_copy(update={"trials": 10}))) == 4


def test_the_sweep_picks_the_trial_with_the_lowest_eval_loss(tmp_path, data_dir, cpt_output):
    cfg = _cfg(
        tmp_path, data_dir, cpt_output, grid={"learning_rate": [1e-6, 3e-3], "lora_rank": [0]}, trials=2
    )
    summary = run(cfg, Reporter("sweep"))
    rows = summary["trials"]
    assert [(r["learning_rate"], r["lora_rank"], r["batch_size"]) for r in rows] == [
        (1e-6, 0, 8),
        (3e-3, 0, 8),
    ]
    assert summary["best"]["trial"] == 1 and summary["best"]["eval_loss"] == min(r["eval_loss"] for r in rows)
    assert (tmp_path / "sweep" / "trial-0" / "summary.json").is_file()
    assert summary["table"].count("\n") == 3 and "| 1 | 0.003 | 8 | 0 |" in summary["table"]
