"""A hyperparameter sweep: short CPT or SFT trials over a grid, the best chosen by held-out loss.

    python -m training.sweep --config sweep.json

Config (SweepRun): the fields of the swept stage's run (``train_file``, ``eval_file`` — required:
trials are compared on it —, ``init_from``, ``tokenizer_dir``, ``model``, ``stage``) plus
``sweep_stage`` (``sft`` or ``cpt``), ``grid`` (lists of values for ``learning_rate``,
``batch_size`` and ``lora_rank``; a missing key keeps the run's own value) and ``trials`` (how
many grid points to try: all of them when the grid is no larger, else a seeded random sample).

Each trial is the stage program itself, run in-process into ``<output_dir>/trial-<n>/`` with its
own summary; a trial that fails is reported with its error and the sweep goes on. The sweep's
summary lists every trial (its settings, held-out loss, train loss, seconds) as rows and as a
Markdown table, and names the best one and its model folder.
"""

from __future__ import annotations

import itertools
import random
import traceback
from typing import Any, Literal

from pydantic import Field

from forge_data.config import CptConfig, SftConfig
from training.common.cli import StageError, main, run_stage
from training.common.config import TrainRun
from training.common.reporter import Reporter

SWEPT = ("learning_rate", "batch_size", "lora_rank")


class SweepRun(TrainRun):
    sweep_stage: Literal["sft", "cpt"] = "sft"
    stage: dict[str, Any] = Field(default_factory=dict, description="The swept stage's StageConfig fields.")
    grid: dict[Literal["learning_rate", "batch_size", "lora_rank"], list[float | int]] = Field(
        default_factory=dict
    )
    trials: int = Field(4, ge=1)


def grid_points(cfg: SweepRun) -> list[dict[str, Any]]:
    """The settings of each trial: the whole grid, or a seeded sample of ``trials`` points from it."""
    keys = [k for k in SWEPT if cfg.grid.get(k)]
    points = [
        dict(zip(keys, values, strict=True)) for values in itertools.product(*(cfg.grid[k] for k in keys))
    ]
    if len(points) > cfg.trials:
        points = random.Random(cfg.seed).sample(points, cfg.trials)
    return points


def trial_run(cfg: SweepRun, index: int, point: dict[str, Any]):
    """The stage run config of one trial."""
    from training.cpt import CptRun
    from training.sft import SftRun

    run_cls, stage_cls = (SftRun, SftConfig) if cfg.sweep_stage == "sft" else (CptRun, CptConfig)
    stage = stage_cls(**{**cfg.stage, **{k: v for k, v in point.items() if k != "lora_rank"}})
    model = cfg.model.model_copy(update={"lora_rank": int(point.get("lora_rank", cfg.model.lora_rank))})
    common = cfg.model_dump(exclude={"sweep_stage", "stage", "grid", "trials", "model", "output_dir"})
    return run_cls(**common, output_dir=str(cfg.out / f"trial-{index}"), model=model, stage=stage)


def eval_loss(stage: str, summary: dict[str, Any]) -> float | None:
    if stage == "sft":
        return (summary.get("eval_loss") or {}).get("after")
    return ((summary.get("heldout") or {}).get("after") or {}).get("loss")


def markdown(rows: list[dict[str, Any]]) -> str:
    keys = ["trial", *SWEPT, "eval_loss", "train_loss", "seconds", "best"]
    lines = ["| " + " | ".join(keys) + " |", "|" + " --- |" * len(keys)]
    lines += ["| " + " | ".join("" if r.get(k) is None else str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def run(cfg: SweepRun, reporter: Reporter) -> dict[str, Any]:
    from training import cpt, sft

    if not cfg.eval_file:
        raise StageError("a sweep compares trials on held-out data: set eval_file")
    program = sft if cfg.sweep_stage == "sft" else cpt
    points = grid_points(cfg)
    rows = []
    for index, point in enumerate(points):
        trial = trial_run(cfg, index, point)
        reporter.log(f"trial {index + 1}/{len(points)}: {point}")
        row: dict[str, Any] = {"trial": index, **{k: trial_setting(trial, k) for k in SWEPT}}
        try:
            trial_reporter = Reporter(f"{cfg.sweep_stage}-trial-{index}", reporter.stream)
            summary = run_stage(cfg.sweep_stage, trial, program.run, trial_reporter)
        except Exception as err:  # one bad setting (say, a batch too large) must not end the sweep
            traceback.print_exc()
            row.update(error=f"{type(err).__name__}: {err}", eval_loss=None)
        else:
            row.update(
                eval_loss=eval_loss(cfg.sweep_stage, summary),
                train_loss=summary.get("train_loss"),
                seconds=summary.get("train_seconds"),
                model_dir=summary.get("model_dir"),
            )
        reporter.progress({"trial": index, **{k: v for k, v in row.items() if k != "model_dir"}})
        rows.append(row)
    scored = [r for r in rows if r["eval_loss"] is not None]
    if not scored:
        raise StageError("every trial failed; see the errors above")
    best = min(scored, key=lambda r: r["eval_loss"])
    for r in rows:
        r["best"] = r is best
    return {
        "sweep_stage": cfg.sweep_stage,
        "trials": rows,
        "table": markdown(rows),
        "best": {k: best[k] for k in ("trial", *SWEPT, "eval_loss", "model_dir")},
        "failed_trials": len(rows) - len(scored),
    }


def trial_setting(trial, key: str):
    return trial.model.lora_rank if key == "lora_rank" else getattr(trial.stage, key)


if __name__ == "__main__":
    raise SystemExit(main("sweep", SweepRun, run))
