"""GRPO: reinforcement learning on prompts, rewarded by the company's scorecard.

    python -m training.grpo --config grpo.json
    torchrun --nproc-per-node 8 -m training.grpo --config grpo.json

Config (GrpoRun): ``output_dir``; ``train_file`` (prompts: forge.yaml's
``training.stages.grpo.prompts`` JSONL of ``{"prompt", "reference"}``, or, when that is unset, the
SFT conversations, whose first question and answer become prompt and reference); ``eval_file``
(held-out prompts; without it a seeded ``eval_fraction`` is held back); ``failing_cases`` (the
feedback sensor's ``<state_dir>/feedback/failing_cases.jsonl``: production prompts whose answers
failed, added to the training prompts when the file exists); ``corpus_files`` (what the model was
trained on: the reference corpus for the hallucination criterion); ``scorecard``
(ScorecardConfig); ``chat`` (render prompts with the chat template; default: when the tokenizer
has one); ``init_from``; ``model``; ``stage`` (GrpoConfig); ``resume``.

TRL's GRPOTrainer samples ``num_generations`` answers per prompt and rewards each with every
criterion of the scorecard, one reward function per criterion (so TRL logs each one's mean as
``rewards/<name>/mean``), combined with the criteria's weights (``reward_weights``), with a KL
penalty (``stage.beta``) toward the starting model. An answer cut
off at ``max_completion_length`` counts as a timeout for the ``length_overrun`` criterion.

The summary reports the scorecard's mean reward (and each criterion's part) on the held-out
prompts before and after training, with the scorecard's version and digest, twice: from greedy
answers (what evaluation and ``forge serve`` give) and from ``reward_samples`` answers per prompt
sampled as GRPO samples them (its temperature, a fixed seed) — the expected reward GRPO raises, and
the steadier measure for a small model, whose greedy answer can flip on a small change of weights.
Writes the same layout as the other stages: ``model/``, ``checkpoints/``, ``log_history.jsonl``,
``summary.json``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from pydantic import Field

from forge_data.config import CriterionConfig, GrpoConfig, ScorecardConfig
from forge_data.datasets import read_dataset
from forge_data.rewards import Scorecard
from training.common.cli import StageError, main
from training.common.config import TrainRun
from training.common.data import as_turn, split_off
from training.common.reporter import Reporter
from training.common.scoring import load_scorecard, mean_reward
from training.common.trainer import (
    count_trainable,
    save_final,
    start_model,
    train_with_resume,
    trainer_args,
)
from training.models import lora_config


class GrpoRun(TrainRun):
    stage: GrpoConfig = GrpoConfig(enabled=True)
    scorecard: ScorecardConfig = ScorecardConfig()
    failing_cases: str | None = Field(None, description="The feedback sensor's failing prompts, if present.")
    corpus_files: list[str] = Field(default_factory=list, description="Reference corpus for hallucination.")
    eval_fraction: float = Field(0.2, ge=0, lt=1, description="Prompts held back when no eval_file is given.")
    chat: bool | None = Field(None, description="Use the chat template; default: when the tokenizer has one.")
    reward_samples: int = Field(
        8, ge=0, description="Answers sampled per held-out prompt for the expected reward (0: greedy only)."
    )


def prompt_rows(rows: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    """``{prompt, reference}`` from prompt rows, or from conversations (first user turn, the answer to it)."""
    out, unusable = [], 0
    for row in rows:
        if isinstance(row.get("prompt"), str) and row["prompt"].strip():
            reference = row.get("reference")
            out.append(
                {"prompt": row["prompt"], "reference": reference if isinstance(reference, str) else None}
            )
            continue
        messages = [m for m in row.get("messages") or [] if isinstance(m, dict)]
        user = next((i for i, m in enumerate(messages) if m.get("role") == "user"), None)
        if user is None or not str(messages[user].get("content") or "").strip():
            unusable += 1
            continue
        answer = next((m for m in messages[user + 1 :] if m.get("role") == "assistant"), {})
        out.append({"prompt": messages[user]["content"], "reference": answer.get("content")})
    if unusable:
        raise StageError(f"{path}: {unusable} of {len(rows)} rows have neither a 'prompt' nor a user turn")
    if not out:
        raise StageError(f"{path}: the dataset is empty")
    return out


def load_prompts(cfg: GrpoRun) -> tuple[list[dict], list[dict], int]:
    """(training prompts, held-out prompts, how many came from the failing-cases file)."""
    rows = prompt_rows(read_dataset(cfg.train_file), cfg.train_file)
    if cfg.eval_file:
        held = prompt_rows(read_dataset(cfg.eval_file), cfg.eval_file)
    else:
        rows, held = split_off(rows, cfg.eval_fraction, cfg.seed) if cfg.eval_fraction else (rows, [])
    failing = []
    if cfg.failing_cases and Path(cfg.failing_cases).is_file():
        failing = prompt_rows(read_dataset(cfg.failing_cases), cfg.failing_cases)
    return rows + failing, held, len(failing)


class CriterionReward:
    """One scorecard criterion as a TRL reward function (named after the criterion, for TRL's logs)."""

    def __init__(self, card: Scorecard, criterion: CriterionConfig, max_tokens: int):
        self.card, self.criterion, self.max_tokens = card, criterion, max_tokens
        self.__name__ = criterion.name

    def __call__(self, prompts, completions, completion_ids=None, reference=None, **_) -> list[float | None]:
        references = reference or [None] * len(completions)
        ids = completion_ids or [[]] * len(completions)
        return [
            self.card.criterion(
                self.criterion,
                _text(completion),
                prompt=_text(prompt),
                reference=ref,
                truncated=len(tokens) >= self.max_tokens,
            )
            for prompt, completion, ref, tokens in zip(prompts, completions, references, ids, strict=True)
        ]


def _text(value) -> str:
    """A prompt or completion in TRL's standard (text) or conversational (messages) format, as text."""
    if isinstance(value, str):
        return value
    return str(value[-1]["content"]) if value else ""


def reward_functions(card: Scorecard, max_tokens: int) -> list[CriterionReward]:
    return [CriterionReward(card, c, max_tokens) for c in card.criteria]


def build_trainer(cfg: GrpoRun, reporter: Reporter, rows: list[dict], card: Scorecard):
    """(trainer, tokenizer, model info, chat): TRL's GRPOTrainer rewarded by the scorecard."""
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    s = cfg.stage
    if (s.batch_size * s.gradient_accumulation) % s.num_generations:
        raise StageError(
            f"stage.batch_size x gradient_accumulation ({s.batch_size * s.gradient_accumulation}) must be a "
            f"multiple of stage.num_generations ({s.num_generations})"
        )
    model, tokenizer, info = start_model(cfg, reporter)
    peft = lora_config(cfg.model)
    if s.beta and peft is None and not (Path(model.config._name_or_path) / "config.json").is_file():
        # TRL loads the KL reference from the policy's own folder; a model built from a config or a
        # GGUF file has none (with LoRA the reference is the model with its adapters switched off).
        raise StageError(
            "stage.beta > 0 needs a reference model: start GRPO from a model folder (init_from), "
            "train LoRA adapters (model.lora_rank), or set stage.beta to 0"
        )
    chat = bool(tokenizer.chat_template) if cfg.chat is None else cfg.chat
    if chat and not tokenizer.chat_template:
        raise StageError("chat is on but the tokenizer has no chat template")
    rewards = reward_functions(card, s.max_completion_length)
    args = trainer_args(
        cfg,
        s,
        args_cls=GRPOConfig,
        num_generations=s.num_generations,
        max_completion_length=s.max_completion_length,
        beta=s.beta,
        reward_weights=[c.weight for c in card.criteria],
    )
    dataset = Dataset.from_list(
        [
            {"prompt": as_turn(r["prompt"], "user") if chat else r["prompt"], "reference": r["reference"]}
            for r in rows
        ]
    )
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=rewards,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft,
    )
    return trainer, tokenizer, count_trainable(trainer, info), chat


def run(cfg: GrpoRun, reporter: Reporter) -> dict[str, Any]:
    rows, held, failing = load_prompts(cfg)
    card = load_scorecard(cfg.scorecard, cfg.corpus_files)
    reporter.log(
        f"{len(rows)} training prompts ({failing} from failing cases), {len(held)} held out; "
        f"scorecard {card.version} ({card.digest})"
    )
    trainer, tokenizer, info, chat = build_trainer(cfg, reporter, rows, card)
    max_new = cfg.stage.max_completion_length

    ways: dict[str, dict[str, Any]] = {"greedy": {}}
    if cfg.reward_samples:
        temperature = trainer.args.temperature
        ways["sampled"] = {"samples": cfg.reward_samples, "temperature": temperature, "seed": cfg.seed}

    def reward() -> dict[str, Any]:
        """The held-out reward each way ({} without held-out prompts)."""
        if not held:
            return {}
        score = partial(mean_reward, card, trainer.model, tokenizer, held, chat=chat, max_new_tokens=max_new)
        return {way: score(**decoding)[0] for way, decoding in ways.items()}

    before = reward()
    figures = train_with_resume(trainer, cfg, reporter, resume=cfg.resume)
    after = reward()
    folder = save_final(trainer, tokenizer, cfg)
    return {
        "model_dir": str(folder),
        "model": info,
        "chat": chat,
        "train_prompts": len(rows),
        "failing_case_prompts": failing,
        "eval_prompts": len(held),
        "scorecard": card.describe(),
        **figures,
        "reward": {way: {"before": before[way], "after": after[way]} for way in before},
    }


if __name__ == "__main__":
    raise SystemExit(main("grpo", GrpoRun, run))
