"""Continued pretraining: next-token prediction on packed sequences of the company's code, docs and chat.

    python -m training.cpt --config cpt.json
    torchrun --nproc-per-node 8 -m training.cpt --config cpt.json      # several GPUs, same program

Config (CptRun): ``output_dir``; ``train_file`` (rows ``{"text", "kind", "id"}`` from
``forge_data.datasets.build_cpt_corpus``, already mixed by kind); ``eval_file`` (its held-out
split, for perplexity before and after); ``tokenizer_dir`` (the tokenizer stage's folder, needed
to build a model from config); ``init_from`` (a model folder to continue, else ``model.base``,
else a new model of ``model``'s sizes); ``model`` (ModelConfig); ``stage`` (CptConfig);
``resume`` (continue from the last complete checkpoint after a kill, default true).

Training runs TRL's SFTTrainer on the plain-text rows with ``packing=True``: "wrapped" packing
concatenates documents (EOS between them) and cuts fixed windows, so every batch is a dense
[batch, seq_len] block with no padding and no attention mask, the fastest shape on CPU and GPU.
Using the stock trainer keeps the stage within a few per cent of bare TRL (see bench/README.md)
and gives exact resume for free: optimizer, scheduler, RNG and data position are in every
checkpoint. Writes ``<output_dir>/model/`` (HF folder), ``checkpoints/``, ``log_history.jsonl``
and ``summary.json`` with held-out perplexity before and after.
"""

from __future__ import annotations

from typing import Any

from forge_data.config import CptConfig
from training.common.cli import main
from training.common.config import TrainRun
from training.common.data import load_rows, to_dataset
from training.common.perplexity import perplexity
from training.common.reporter import Reporter
from training.common.trainer import (
    count_trainable,
    save_final,
    start_model,
    train_with_resume,
    trainer_args,
)
from training.models import lora_config


class CptRun(TrainRun):
    stage: CptConfig = CptConfig()


def held_out_perplexity(model, tokenizer, texts: list[str] | None, seq_len: int) -> dict[str, Any] | None:
    return perplexity(model, tokenizer, texts, seq_len=seq_len) if texts else None


def build_trainer(cfg: CptRun, reporter: Reporter, rows: list[dict]):
    """(trainer, tokenizer, model info): TRL's SFTTrainer packing plain text into seq_len windows."""
    from trl import SFTTrainer

    model, tokenizer, info = start_model(cfg, reporter)
    args = trainer_args(
        cfg,
        cfg.stage,
        packing=True,
        packing_strategy=cfg.stage.packing_strategy,
        max_length=cfg.stage.seq_len,
        dataset_text_field="text",
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=to_dataset(rows, "text"),
        processing_class=tokenizer,
        peft_config=lora_config(cfg.model),
    )
    return trainer, tokenizer, count_trainable(trainer, info)


def run(cfg: CptRun, reporter: Reporter) -> dict[str, Any]:
    rows = load_rows(cfg.train_file, need="text")
    eval_texts = [r["text"] for r in load_rows(cfg.eval_file, need="text")] if cfg.eval_file else None
    trainer, tokenizer, info = build_trainer(cfg, reporter, rows)
    before = held_out_perplexity(trainer.model, tokenizer, eval_texts, cfg.stage.seq_len)
    figures = train_with_resume(trainer, cfg, reporter, resume=cfg.resume)
    after = held_out_perplexity(trainer.model, tokenizer, eval_texts, cfg.stage.seq_len)
    folder = save_final(trainer, tokenizer, cfg)
    return {
        "model_dir": str(folder),
        "model": info,
        "train_rows": len(rows),
        "packed_sequences": len(trainer.train_dataset),
        **figures,
        "heldout": {"before": before, "after": after},
    }


if __name__ == "__main__":
    raise SystemExit(main("cpt", CptRun, run))
