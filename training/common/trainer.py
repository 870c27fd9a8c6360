"""The training loop every trl-based stage shares: arguments from a StageConfig, resume after a kill,
and the final model folder.

Each stage builds its trl trainer (SFTTrainer for CPT and SFT; DPOTrainer, GRPOTrainer later)
with :func:`trainer_args` and runs it through :func:`train_with_resume`. A stage's output folder:

    <output_dir>/checkpoints/checkpoint-<step>/   weights, optimizer, scheduler, RNG, data position
    <output_dir>/model/                           the final model + tokenizer (HF format, safetensors)
    <output_dir>/log_history.jsonl                one line per logging step (appended across resumes)
    <output_dir>/summary.json                     the stage's figures (also the last stdout line)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from transformers.trainer_callback import PrinterCallback

from forge_data.config import StageConfig
from training.common.checkpoints import discard_incomplete, latest_checkpoint
from training.common.cli import StageError
from training.common.config import RunConfig
from training.common.reporter import MetricsCallback, Reporter
from training.common.runtime import parallel_flags, precision_flags, resolve_device, seed_everything
from training.models import count_parameters, prepare_model

CHECKPOINTS = "checkpoints"
MODEL = "model"
LOG_HISTORY = "log_history.jsonl"


def start_model(cfg, reporter: Reporter):
    """Seed, then the stage's starting model and tokenizer (see ``training.models.prepare_model``).

    Call :func:`count_trainable` once the trainer has wrapped the model (LoRA) to update the counts."""
    seed_everything(cfg.seed)  # before building: initial weights depend on it
    model, tokenizer, info = prepare_model(
        cfg.model, init_from=cfg.init_from, tokenizer_dir=cfg.tokenizer_dir
    )
    positions = model.config.max_position_embeddings
    if cfg.stage.seq_len > positions:
        raise StageError(f"stage.seq_len {cfg.stage.seq_len} exceeds the model's {positions} positions")
    reporter.log(
        f"{info['architecture']} with {info['parameters']['total']:,} parameters from {info['source']}"
    )
    return model, tokenizer, info


def count_trainable(trainer, info: dict[str, Any]) -> dict[str, Any]:
    """``info`` with parameter counts of the model as the trainer trains it (LoRA adapters wrapped in)."""
    return {**info, "parameters": count_parameters(trainer.model)}


def trainer_args(run: RunConfig, stage: StageConfig, args_cls=None, **extra: Any):
    """The trl config (SFTConfig by default) for ``stage``; ``extra`` adds the algorithm's own fields."""
    if args_cls is None:
        from trl import SFTConfig as args_cls

    device = resolve_device(run.device)
    try:
        parallel = parallel_flags(stage.parallel, device)
    except ValueError as err:
        raise StageError(str(err)) from None
    return args_cls(
        output_dir=str(run.out / CHECKPOINTS),
        max_steps=stage.max_steps,
        per_device_train_batch_size=stage.batch_size,
        gradient_accumulation_steps=stage.gradient_accumulation,
        learning_rate=stage.learning_rate,
        lr_scheduler_type=stage.lr_scheduler,
        warmup_steps=stage.warmup_ratio,  # a float below 1 is a ratio of max_steps
        weight_decay=stage.weight_decay,
        max_grad_norm=stage.max_grad_norm,
        logging_steps=stage.logging_steps,
        save_strategy="steps",
        save_steps=stage.save_steps,
        save_total_limit=2,
        seed=run.seed,
        data_seed=run.seed,
        activation_checkpointing=stage.gradient_checkpointing,
        use_cpu=device == "cpu",
        **precision_flags(device),
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
        **parallel,
        **extra,
    )


def train_with_resume(trainer, run: RunConfig, reporter: Reporter, *, resume: bool) -> dict[str, Any]:
    """Train, continuing from the newest complete checkpoint when ``resume`` (optimizer, scheduler,
    RNG states and the data position all come back), else from scratch with old checkpoints cleared."""
    folder = run.out / CHECKPOINTS
    main = trainer.is_world_process_zero()
    discarded = discard_incomplete(folder) if main else []
    last = latest_checkpoint(folder) if resume else None
    if main and not resume and folder.exists():
        shutil.rmtree(folder)
    if last is not None:
        reporter.log(f"resuming from {last.name}")
    # The Reporter prints (or streams to Dagster) instead; stdout stays for the summary line.
    trainer.remove_callback(PrinterCallback)
    callback = MetricsCallback(reporter)
    trainer.add_callback(callback)
    result = trainer.train(resume_from_checkpoint=str(last) if last else None)
    if main:
        with (run.out / LOG_HISTORY).open("a", encoding="utf-8") as fh:
            for record in callback.history:
                fh.write(json.dumps(record) + "\n")
    losses = [h["loss"] for h in callback.history if "loss" in h]
    rates = [h["tokens_per_s"] for h in callback.history if "tokens_per_s" in h]
    return {
        "steps": trainer.state.global_step,
        "resumed_from": last.name if last else None,
        "discarded_incomplete_checkpoints": discarded,
        "train_loss": round(result.training_loss, 6),
        "final_loss": losses[-1] if losses else None,
        "tokens_per_s": round(sum(rates) / len(rates), 1) if rates else None,
        "train_seconds": round(result.metrics.get("train_runtime", 0.0), 2),
    }


def save_final(trainer, tokenizer, run: RunConfig) -> Path:
    """The trained model as a plain HF folder: LoRA adapters merged, safetensors, tokenizer beside it."""
    folder = run.out / MODEL
    model = trainer.model
    if hasattr(model, "merge_and_unload"):  # a peft model: ship merged weights, loadable without peft
        if trainer.is_world_process_zero():
            model.merge_and_unload().save_pretrained(folder, safe_serialization=True)
    else:
        trainer.save_model(str(folder))  # gathers sharded weights (FSDP, DeepSpeed) and writes on rank 0
    if trainer.is_world_process_zero():
        tokenizer.save_pretrained(folder)
    return folder
