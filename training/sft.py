"""Supervised fine-tuning on conversations: chat threads and question–answer pairs from docs.

    python -m training.sft --config sft.json
    torchrun --nproc-per-node 8 -m training.sft --config sft.json

Config (SftRun): ``output_dir``; ``train_file`` (rows ``{"messages": [{"role", "content"}...]}``
from ``forge_data.datasets.build_sft_conversations``); ``eval_file`` (its held-out conversations,
for eval loss before and after); ``init_from`` (usually the CPT stage's ``model/`` folder);
``tokenizer_dir`` (defaults to the model's own folder); ``model`` (ModelConfig: sizes when
training from config, LoRA rank); ``stage`` (SftConfig); ``resume``.

TRL's SFTTrainer renders each conversation with the tokenizer's chat template. With
``assistant_only_loss`` (the default) only the assistant turns — including their end-of-turn
token, inside the template's ``{% generation %}`` block — carry loss, so the model learns to answer
and to stop, not to imitate the questions. Writes the same layout as CPT: ``model/``,
``checkpoints/``, ``log_history.jsonl``, ``summary.json``.
"""

from __future__ import annotations

from typing import Any

from forge_data.config import SftConfig
from training.common.cli import StageError, main
from training.common.config import TrainRun
from training.common.data import load_rows, to_dataset
from training.common.reporter import Reporter
from training.common.trainer import (
    count_trainable,
    save_final,
    start_model,
    train_with_resume,
    trainer_args,
)
from training.models import lora_config
from training.tokenizer import CHAT_TEMPLATE, CHAT_TOKENS


class SftRun(TrainRun):
    stage: SftConfig = SftConfig()


def _eval_loss(trainer) -> float | None:
    if trainer.eval_dataset is None:
        return None
    return round(trainer.evaluate()["eval_loss"], 6)


def assistant_masking(tokenizer, reporter: Reporter) -> bool:
    """Make sure the chat template can mark assistant turns; False when it cannot (train on everything).

    Our tokenizer's template has ``{% generation %}`` markers; TRL patches many known base templates.
    A ChatML base it does not know (SmolLM2's carries a default system prompt) gets our ChatML
    template, which is saved with the model, so inference renders conversations as training did.
    """
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers

    if has_generation_markers(tokenizer.chat_template):
        return True
    try:
        get_training_chat_template(tokenizer)
        return True
    except ValueError:
        pass
    vocab = tokenizer.get_vocab()
    if all(token in vocab for token in CHAT_TOKENS):
        reporter.log("replaced the base's ChatML template with one that marks assistant turns")
        tokenizer.chat_template = CHAT_TEMPLATE
        return True
    reporter.log("the chat template cannot mark assistant turns; training on whole conversations")
    return False


def build_trainer(cfg: SftRun, reporter: Reporter, rows: list[dict], eval_rows: list[dict] | None):
    """(trainer, tokenizer, model info): TRL's SFTTrainer on conversations, via the chat template."""
    from trl import SFTTrainer

    model, tokenizer, info = start_model(cfg, reporter)
    if not tokenizer.chat_template:
        raise StageError(
            "the tokenizer has no chat template; train or extend it with training.tokenizer first"
        )
    assistant_only = cfg.stage.assistant_only_loss and assistant_masking(tokenizer, reporter)
    args = trainer_args(
        cfg,
        cfg.stage,
        max_length=cfg.stage.seq_len,
        assistant_only_loss=assistant_only,
        packing=cfg.stage.packing,
        packing_strategy="bfd_split",
        per_device_eval_batch_size=cfg.stage.batch_size,
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=to_dataset(rows, "messages"),
        eval_dataset=to_dataset(eval_rows, "messages") if eval_rows else None,
        processing_class=tokenizer,
        peft_config=lora_config(cfg.model),
    )
    return trainer, tokenizer, count_trainable(trainer, info)


def run(cfg: SftRun, reporter: Reporter) -> dict[str, Any]:
    rows = load_rows(cfg.train_file, need="messages")
    eval_rows = load_rows(cfg.eval_file, need="messages") if cfg.eval_file else None
    trainer, tokenizer, info = build_trainer(cfg, reporter, rows, eval_rows)
    before = _eval_loss(trainer)
    figures = train_with_resume(trainer, cfg, reporter, resume=cfg.resume)
    after = _eval_loss(trainer)
    folder = save_final(trainer, tokenizer, cfg)
    return {
        "model_dir": str(folder),
        "model": info,
        "train_conversations": len(rows),
        "assistant_only_loss": trainer.args.assistant_only_loss,
        **figures,
        "eval_loss": {"before": before, "after": after},
    }


if __name__ == "__main__":
    raise SystemExit(main("sft", SftRun, run))
