"""Overhead of the Forge DPO and GRPO stages against the bare TRL DPOTrainer and GRPOTrainer, same model,
data, reward functions and settings.

    python -m bench.train_rl_overhead                       # DPO and GRPO 30 steps each, 3 rounds
    python -m bench.train_rl_overhead --stage grpo --grpo-steps 20 --rounds 5

Both sides train the same freshly seeded model (the default recipe's sizes: vocab 4096, hidden
128, 2 layers) on the same rows, in this one process, alternating which side goes first. The
preference pairs and prompts come from the SFT conversations of the local text corpus
(``bench.train_corpus``): the prompt is a question, the chosen answer its own reply, the rejected
one another conversation's reply; GRPO's reference is the reply. "Forge" is the stage's ``run()``
with its evaluation switched off (``eval_fraction: 0``): reading files, building the model and
the reference copy, the scorecard with its corpus vocabulary, the trainer, reporting, and
writing the model folder. "Bare" is what a user would write with TRL alone: the trainer on the
same rows (and, for GRPO, the same scorecard reward functions, built before timing starts), then
``save_model``. Reported: median wall and CPU seconds per side, and the ratio Forge / bare
(target ≤ 1.05), as one JSON object.
"""

from __future__ import annotations

import argparse
import copy
import json
import tempfile
from functools import partial
from pathlib import Path

from bench.train_corpus import load_records
from bench.train_overhead import bare_args, compare, timed
from forge_data.config import DpoConfig, GrpoConfig, ModelConfig, ScorecardConfig
from forge_data.datasets import build_sft_conversations, write_dataset
from training.common.data import as_turn
from training.common.reporter import Reporter
from training.common.scoring import load_scorecard
from training.dpo import DpoRun, preference_rows
from training.dpo import run as run_dpo
from training.grpo import GrpoRun, reward_functions
from training.grpo import run as run_grpo
from training.models import build_model
from training.tokenizer import train_bpe


def pairs_and_prompts(conversations: list[dict]) -> tuple[list[dict], list[dict]]:
    qa = []
    for row in conversations:
        turns = row["messages"]
        user = next((m["content"] for m in turns if m["role"] == "user"), None)
        answer = next((m["content"] for m in turns if m["role"] == "assistant"), None)
        if user and answer:
            qa.append((user, answer))
    pairs = [{"prompt": q, "chosen": a, "rejected": qa[(i + 1) % len(qa)][1]} for i, (q, a) in enumerate(qa)]
    return pairs, [{"prompt": q, "reference": a} for q, a in qa]


def bare_dpo(stage: DpoConfig, pairs, tokenizer, model_cfg, out: Path, seed: int) -> None:
    from datasets import Dataset
    from transformers import set_seed
    from trl import DPOConfig, DPOTrainer

    set_seed(seed)
    model = build_model(model_cfg, tokenizer)
    args = bare_args(DPOConfig, stage, out, seed, beta=stage.beta, max_length=stage.seq_len)
    trainer = DPOTrainer(
        model=model,
        ref_model=copy.deepcopy(model).eval(),
        args=args,
        train_dataset=Dataset.from_list(preference_rows(pairs, chat=True)),
        processing_class=tokenizer,
    )
    trainer.train()
    trainer.save_model(str(out / "final"))


def bare_grpo(
    stage: GrpoConfig, prompts, rewards, weights, tokenizer, model_cfg, out: Path, seed: int
) -> None:
    from datasets import Dataset
    from transformers import set_seed
    from trl import GRPOConfig, GRPOTrainer

    set_seed(seed)
    model = build_model(model_cfg, tokenizer)
    args = bare_args(
        GRPOConfig,
        stage,
        out,
        seed,
        num_generations=stage.num_generations,
        max_completion_length=stage.max_completion_length,
        reward_weights=weights,
        beta=stage.beta,
    )
    rows = [{"prompt": as_turn(r["prompt"], "user"), "reference": r["reference"]} for r in prompts]
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=rewards,
        args=args,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
    )
    trainer.train()
    trainer.save_model(str(out / "final"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", help="RECORD_SCHEMA Parquet/JSONL; default: local text")
    parser.add_argument("--bytes", type=int, default=200_000)
    parser.add_argument("--dpo-steps", type=int, default=30)
    parser.add_argument("--grpo-steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stage", choices=["dpo", "grpo", "both"], default="both")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 keeps timings steady)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    quiet = Reporter("bench", stream=open("/dev/null", "w"))  # noqa: SIM115
    model_cfg = ModelConfig()
    scorecard = ScorecardConfig(glossary=["forge", "deploy", "release"])
    dpo_stage = DpoConfig(
        enabled=True, max_steps=args.dpo_steps, seq_len=256, save_steps=max(args.dpo_steps // 2, 1)
    )
    # From a model built from config there is no folder for TRL to load a KL reference from: both
    # sides train without one (TRL's default), so the ratio measures the stage, not a second model.
    grpo_stage = GrpoConfig(
        enabled=True, max_steps=args.grpo_steps, save_steps=max(args.grpo_steps // 2, 1), beta=0.0
    )
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        records = load_records(args.records, args.bytes)
        conversations = build_sft_conversations(records, holdout_fraction=0.05).train
        pairs, prompts = pairs_and_prompts(conversations)
        write_dataset(pairs, root / "pairs.jsonl")
        write_dataset(prompts, root / "prompts.jsonl")
        write_dataset(conversations, root / "corpus.jsonl")
        tokenizer = train_bpe([r["text"] for r in records], 4096, 2)
        tokenizer.save_pretrained(root / "tok")
        card = load_scorecard(scorecard, [str(root / "corpus.jsonl")])
        rewards = reward_functions(card, grpo_stage.max_completion_length)
        weights = [c.weight for c in card.criteria]

        sides = {}
        if args.stage in ("dpo", "both"):
            sides["dpo"] = (
                lambda out: partial(
                    run_dpo,
                    DpoRun(
                        output_dir=str(out / "forge"),
                        train_file=str(root / "pairs.jsonl"),
                        tokenizer_dir=str(root / "tok"),
                        model=model_cfg,
                        stage=dpo_stage,
                        eval_fraction=0,
                    ),
                    quiet,
                ),
                lambda out: partial(bare_dpo, dpo_stage, pairs, tokenizer, model_cfg, out / "bare", 0),
                {"steps": args.dpo_steps, "pairs": len(pairs)},
            )
        if args.stage in ("grpo", "both"):
            sides["grpo"] = (
                lambda out: partial(
                    run_grpo,
                    GrpoRun(
                        output_dir=str(out / "forge"),
                        train_file=str(root / "prompts.jsonl"),
                        tokenizer_dir=str(root / "tok"),
                        corpus_files=[str(root / "corpus.jsonl")],
                        scorecard=scorecard,
                        model=model_cfg,
                        stage=grpo_stage,
                        eval_fraction=0,
                    ),
                    quiet,
                ),
                lambda out: partial(
                    bare_grpo, grpo_stage, prompts, rewards, weights, tokenizer, model_cfg, out / "bare", 0
                ),
                {"steps": args.grpo_steps, "prompts": len(prompts), "criteria": len(weights)},
            )
        for kind, (forge_fn, bare_fn, info) in sides.items():
            forge_times, bare_times = [], []
            for i in range(args.rounds):
                out = root / f"{kind}-{i}"
                pair = [("forge", forge_fn(out)), ("bare", bare_fn(out))]
                for side, fn in pair if i % 2 == 0 else reversed(pair):
                    (forge_times if side == "forge" else bare_times).append(timed(fn))
            results[kind] = {
                **info,
                "threads": args.threads,
                "rounds": args.rounds,
                **compare(forge_times, bare_times),
            }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
