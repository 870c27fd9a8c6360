"""The training recipe of a forge.yaml, planned as a chain of stage programs with their run configs.

``plan(cfg, datasets, root)`` returns the enabled stages in order (tokenizer, CPT, SFT, DPO,
GRPO, evaluation), each with the module to run and the exact config to give it. Every stage's
output folder is named by a hash of its own config (which includes its inputs' folders and the
data commit), so:

- a stage re-run with the same inputs lands in the same folder and resumes from its checkpoint;
- new data or a changed recipe lands in a new folder and never resumes someone else's run;
- a later stage finds an earlier one's model without asking the orchestrator.

This module stays light (no torch): the orchestrator imports it to plan, the programs validate.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forge_data.config import ForgeConfig
from forge_data.feedback import failing_cases_path

MODEL_SUBDIR = "model"
# Stands in for real datasets when only the shape of the plan is needed (building the asset graph).
PLACEHOLDER_DATASETS: dict[str, Any] = {
    "paths": {k: "" for k in ("cpt_train", "cpt_eval", "sft_train", "sft_eval")},
    "data_commit": "",
}
TOKENIZER_SUBDIR = "tokenizer"


@dataclass(frozen=True)
class StagePlan:
    name: str  # tokenizer | cpt | sft | dpo | grpo | evaluate
    module: str  # python -m <module> --config <file>
    config: dict[str, Any]
    description: str

    @property
    def output_dir(self) -> Path:
        return Path(self.config["output_dir"])

    @property
    def model_dir(self) -> Path:
        return self.output_dir / MODEL_SUBDIR


def _folder(root: Path, stage: str, config: dict[str, Any], salt: str = "") -> str:
    digest = hashlib.sha256((json.dumps(config, sort_keys=True, default=str) + salt).encode()).hexdigest()[
        :12
    ]
    return str(root / stage / digest)


def _content_digest(path: Path) -> str:
    """Names a file's content, so a stage reading a file that changes in place gets a new folder."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""


def _resolved(cfg: ForgeConfig, value: str | None) -> str | None:
    return str(cfg.resolve(value)) if value else None


def plan(cfg: ForgeConfig, datasets: dict[str, Any], root: Path) -> list[StagePlan]:
    """The enabled stages, in order, for the datasets built from one data commit."""
    t = cfg.training
    paths = datasets["paths"]
    common = {"seed": t.seed, "device": t.device, "data_commit": datasets["data_commit"]}
    model = t.model.model_copy(update={"base": _resolved(cfg, t.model.base)}).model_dump(mode="json")
    stages: list[StagePlan] = []

    def add(name: str, module: str, config: dict[str, Any], description: str, salt: str = "") -> StagePlan:
        config = {**common, **config}
        config["output_dir"] = _folder(root, name, config, salt)
        stages.append(StagePlan(name, module, config, description))
        return stages[-1]

    tokenizer = add(
        "tokenizer",
        "training.tokenizer",
        {
            "train_files": [paths["cpt_train"]],
            "heldout_files": [paths["cpt_eval"]],
            "tokenizer": t.tokenizer.model_copy(update={"base": _resolved(cfg, t.tokenizer.base)}).model_dump(
                mode="json"
            ),
        },
        "a BPE tokenizer trained on the curated corpus (or a base tokenizer extended with domain terms)",
    )
    tokenizer_dir = str(tokenizer.output_dir / TOKENIZER_SUBDIR)
    previous: StagePlan | None = None
    trainer_inputs = {"tokenizer_dir": tokenizer_dir, "model": model}

    if t.stages.cpt.enabled:
        previous = add(
            "cpt",
            "training.cpt",
            {
                **trainer_inputs,
                "train_file": paths["cpt_train"],
                "eval_file": paths["cpt_eval"],
                "stage": t.stages.cpt.model_dump(mode="json"),
            },
            "continued pretraining on packed code, docs and chat, mixed by the recipe's weights",
        )
    if t.stages.sft.enabled:
        previous = add(
            "sft",
            "training.sft",
            {
                **trainer_inputs,
                "init_from": str(previous.model_dir) if previous else None,
                "train_file": paths["sft_train"],
                "eval_file": paths["sft_eval"],
                "stage": t.stages.sft.model_dump(mode="json"),
            },
            "supervised fine-tuning on chat threads and question-answer pairs from docs",
        )
    if t.stages.dpo.enabled:
        if not t.stages.dpo.feedback:
            raise ValueError(
                "training.stages.dpo is enabled but has no feedback file: set training.stages.dpo.feedback"
            )
        previous = add(
            "dpo",
            "training.dpo",
            {
                **trainer_inputs,
                "init_from": str(previous.model_dir) if previous else None,
                "train_file": _resolved(cfg, t.stages.dpo.feedback),
                "stage": t.stages.dpo.model_dump(mode="json"),
            },
            "direct preference optimisation on the feedback file's chosen and rejected answers",
        )
    if t.stages.grpo.enabled:
        failing = failing_cases_path(cfg.state_dir)
        previous = add(
            "grpo",
            "training.grpo",
            {
                **trainer_inputs,
                "init_from": str(previous.model_dir) if previous else None,
                # Without a prompts file, the SFT conversations' questions and answers are the prompts.
                "train_file": _resolved(cfg, t.stages.grpo.prompts) or paths["sft_train"],
                "failing_cases": str(failing),
                "corpus_files": [paths["cpt_train"], paths["sft_train"]],
                "scorecard": cfg.scorecard.model_dump(mode="json"),
                "stage": t.stages.grpo.model_dump(mode="json"),
            },
            "GRPO on the recipe's prompts and failing production prompts, rewarded by the scorecard",
            # New failing cases from the feedback sensor are a new run, not a resumed one.
            salt=_content_digest(failing),
        )
    if previous is None:
        raise ValueError(
            "the recipe enables no training stage: enable training.stages.cpt, .sft, .dpo or .grpo"
        )

    final = previous
    eval_cfg = t.eval.model_copy(
        update={"acceptance": _resolved(cfg, t.eval.acceptance), "canaries": _resolved(cfg, t.eval.canaries)}
    )
    add(
        "evaluate",
        "training.evaluate",
        {
            "model_dir": str(final.model_dir),
            "base_model_dir": model["base"],
            "heldout_file": paths["cpt_eval"],
            "train_files": [paths["cpt_train"], paths["sft_train"]],
            "glossary": list(cfg.scorecard.glossary),
            "scorecard": cfg.scorecard.model_dump(mode="json"),
            "eval": eval_cfg.model_dump(mode="json"),
            "seq_len": t.stages.cpt.seq_len,
        },
        "held-out perplexity, acceptance tests, terminology, scorecard reward and a memorization audit of the "
        "final model",
    )
    return stages


def stage(stages: list[StagePlan], name: str) -> StagePlan:
    for s in stages:
        if s.name == name:
            return s
    raise KeyError(f"the recipe has no enabled stage {name!r}")


def trained_stages(stages: list[StagePlan]) -> list[StagePlan]:
    return [s for s in stages if s.name not in ("tokenizer", "evaluate")]
