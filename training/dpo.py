"""Direct preference optimisation on pairs from the feedback file: answers people preferred over others.

    python -m training.dpo --config dpo.json
    torchrun --nproc-per-node 8 -m training.dpo --config dpo.json

Config (DpoRun): ``output_dir``; ``train_file`` (the feedback JSONL of ``{"prompt", "chosen",
"rejected"}``, forge.yaml's ``training.stages.dpo.feedback``); ``eval_file`` (held-out pairs of the
same shape; without it a seeded ``eval_fraction`` of the pairs is held back, and with too few
pairs for that the training pairs are evaluated); ``init_from`` (usually the SFT stage's
``model/``); ``tokenizer_dir``; ``model`` (ModelConfig: LoRA rank); ``stage`` (DpoConfig: ``beta``,
learning rate, steps...); ``resume``.

TRL's DPOTrainer scores each answer against a frozen reference: a second copy of the starting
model, built here and passed explicitly (left to itself TRL would look the model up on the hub by
name). With LoRA the reference is the same model with its adapters switched off, so no copy is
made. Pairs are given in TRL's conversational format when the tokenizer has a chat template, so
the model sees them as it sees chat at inference.

The summary reports the preference figures on the held-out pairs before and after training:
``loss``, ``reward_margin`` and ``reward_accuracy`` (TRL's implicit rewards, β·log π/π_ref: zero
before training by construction) and ``logp_margin`` (mean log-probability of the chosen answer
minus the rejected one under the policy alone, which shows where the model started). Writes the
same layout as CPT and SFT (``eval_fraction: 0`` with no ``eval_file`` skips the evaluation): ``model/``, ``checkpoints/``, ``log_history.jsonl``, ``summary.json``.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import Field

from forge_data.config import DpoConfig
from training.common.cli import main
from training.common.config import TrainRun
from training.common.data import as_turn, load_rows, split_off, to_dataset
from training.common.reporter import Reporter
from training.common.trainer import (
    count_trainable,
    save_final,
    start_model,
    train_with_resume,
    trainer_args,
)
from training.models import lora_config

PAIR = ("prompt", "chosen", "rejected")


class DpoRun(TrainRun):
    stage: DpoConfig = DpoConfig(enabled=True)
    eval_fraction: float = Field(
        0.1, ge=0, lt=1, description="Pairs held back when no eval_file is given; 0 skips the evaluation."
    )


def preference_rows(rows: list[dict[str, Any]], chat: bool) -> list[dict[str, Any]]:
    """``{prompt, chosen, rejected}`` rows as TRL wants them: conversations when the model chats."""
    if not chat:
        return [{k: r[k] for k in PAIR} for r in rows]
    return [
        {
            "prompt": as_turn(r["prompt"], "user"),
            "chosen": as_turn(r["chosen"], "assistant"),
            "rejected": as_turn(r["rejected"], "assistant"),
        }
        for r in rows
    ]


def build_trainer(cfg: DpoRun, reporter: Reporter, rows: list[dict], eval_rows: list[dict]):
    """(trainer, tokenizer, model info): TRL's DPOTrainer with an explicit frozen reference model."""
    from trl import DPOConfig, DPOTrainer

    model, tokenizer, info = start_model(cfg, reporter)
    peft = lora_config(cfg.model)
    reference = None if peft is not None else copy.deepcopy(model).eval()
    chat = bool(tokenizer.chat_template)
    args = trainer_args(
        cfg,
        cfg.stage,
        args_cls=DPOConfig,
        beta=cfg.stage.beta,
        max_length=cfg.stage.seq_len,
        per_device_eval_batch_size=cfg.stage.batch_size,
    )
    trainer = DPOTrainer(
        model=model,
        ref_model=reference,
        args=args,
        train_dataset=to_dataset(preference_rows(rows, chat), *PAIR),
        eval_dataset=to_dataset(preference_rows(eval_rows, chat), *PAIR) if eval_rows else None,
        processing_class=tokenizer,
        peft_config=peft,
    )
    return trainer, tokenizer, count_trainable(trainer, info)


def preference_figures(trainer) -> dict[str, float] | None:
    """TRL's evaluation of the held-out pairs, under the names the summary uses."""
    if trainer.eval_dataset is None:
        return None
    m = trainer.evaluate()
    return {
        "loss": round(m["eval_loss"], 6),
        "reward_margin": round(m["eval_rewards/margins"], 6),
        "reward_accuracy": round(m["eval_rewards/accuracies"], 4),
        "logp_chosen": round(m["eval_logps/chosen"], 4),
        "logp_rejected": round(m["eval_logps/rejected"], 4),
        "logp_margin": round(m["eval_logps/chosen"] - m["eval_logps/rejected"], 4),
    }


def held_out_pairs(cfg: DpoRun, rows: list[dict]) -> tuple[list[dict], list[dict], str]:
    """(train pairs, eval pairs, what the eval pairs are)."""
    if cfg.eval_file:
        return rows, load_rows(cfg.eval_file, need=PAIR), "eval_file"
    if not cfg.eval_fraction:
        return rows, [], "nothing (eval_fraction 0)"
    train, held = split_off(rows, cfg.eval_fraction, cfg.seed)
    if held:
        return train, held, f"held-out {len(held)} of {len(rows)} pairs"
    return rows, rows, "the training pairs (too few to hold any back)"


def run(cfg: DpoRun, reporter: Reporter) -> dict[str, Any]:
    rows, eval_rows, evaluated_on = held_out_pairs(cfg, load_rows(cfg.train_file, need=PAIR))
    trainer, tokenizer, info = build_trainer(cfg, reporter, rows, eval_rows)
    before = preference_figures(trainer)
    figures = train_with_resume(trainer, cfg, reporter, resume=cfg.resume)
    after = preference_figures(trainer)
    folder = save_final(trainer, tokenizer, cfg)
    return {
        "model_dir": str(folder),
        "model": info,
        "train_pairs": len(rows),
        "eval_pairs": len(eval_rows),
        "evaluated_on": evaluated_on,
        "beta": cfg.stage.beta,
        **figures,
        "preference": {"before": before, "after": after},
    }


if __name__ == "__main__":
    raise SystemExit(main("dpo", DpoRun, run))
