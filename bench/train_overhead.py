"""Overhead of the Forge CPT and SFT stages against the bare TRL SFTTrainer, same model, data and settings.

    python -m bench.train_overhead                  # CPT and SFT, 3 rounds each, 60 steps
    python -m bench.train_overhead --steps 100 --rounds 5 --stage cpt

Both sides train the same freshly seeded model (default recipe sizes: vocab 4096, hidden 128,
2 layers, seq 256, batch 8) on the same rows with the same hyperparameters, checkpoint cadence
and logging interval, in this one process, alternating Forge and bare runs so that load from
other processes hits both alike. "Forge" is the stage's ``run()``: reading the dataset files,
building the model, the trainer, our reporting callback, and writing the final model folder
(with ``--with-eval`` also the held-out perplexity / eval loss before and after, work the bare
side does not do). "Bare" is SFTTrainer(...).train() plus save_model. Reported: median wall and CPU seconds per side and the
ratio Forge / bare (target ≤ 1.05), as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

from bench.train_corpus import load_records
from forge_data.config import CptConfig, ModelConfig, SftConfig
from forge_data.datasets import build_cpt_corpus, build_sft_conversations, write_dataset
from training.common.reporter import Reporter
from training.cpt import CptRun
from training.cpt import run as run_cpt
from training.models import model_config
from training.sft import SftRun
from training.sft import run as run_sft
from training.tokenizer import train_bpe


def bare_trl(
    kind: str, stage, rows: list[dict], tokenizer, model_cfg: ModelConfig, out: Path, seed: int
) -> None:
    """What a user would write with TRL alone, configured like the stage."""
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, set_seed
    from trl import SFTConfig, SFTTrainer

    set_seed(seed)
    # the same architecture the stage builds (training.models), so only the training code differs
    config = model_config(model_cfg, tokenizer)
    model = AutoModelForCausalLM.from_config(config)
    field = "text" if kind == "cpt" else "messages"
    extra = (
        dict(packing=True, packing_strategy="wrapped")
        if kind == "cpt"
        else dict(assistant_only_loss=True, per_device_eval_batch_size=stage.batch_size)
    )
    args = bare_args(SFTConfig, stage, out, seed, max_length=stage.seq_len, **extra)
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list([{field: r[field]} for r in rows]),
        processing_class=tokenizer,
    )
    trainer.train()
    trainer.save_model(str(out / "final"))


def bare_args(args_cls, stage, out: Path, seed: int, **extra):
    """The TRL config a user would write for ``stage``'s settings (CPU, fp32, no reporting)."""
    return args_cls(
        output_dir=str(out),
        max_steps=stage.max_steps,
        per_device_train_batch_size=stage.batch_size,
        learning_rate=stage.learning_rate,
        lr_scheduler_type=stage.lr_scheduler,
        warmup_steps=stage.warmup_ratio,
        logging_steps=stage.logging_steps,
        save_steps=stage.save_steps,
        save_total_limit=2,
        seed=seed,
        data_seed=seed,
        use_cpu=True,
        bf16=False,
        activation_checkpointing=False,
        report_to="none",
        disable_tqdm=True,
        **extra,
    )


def compare(forge_times: list[tuple[float, float]], bare_times: list[tuple[float, float]]) -> dict:
    """Median wall and CPU seconds per side, their ratios Forge / bare, and every round's figures."""
    fw, fc = (statistics.median(t[j] for t in forge_times) for j in (0, 1))
    bw, bc = (statistics.median(t[j] for t in bare_times) for j in (0, 1))
    return {
        "forge_wall_s": round(fw, 2),
        "bare_wall_s": round(bw, 2),
        "ratio_wall": round(fw / bw, 3),
        "forge_cpu_s": round(fc, 2),
        "bare_cpu_s": round(bc, 2),
        "ratio_cpu": round(fc / bc, 3),
        "per_round": [
            {
                "forge_wall_s": round(f[0], 2),
                "bare_wall_s": round(b[0], 2),
                "forge_cpu_s": round(f[1], 2),
                "bare_cpu_s": round(b[1], 2),
            }
            for f, b in zip(forge_times, bare_times, strict=True)
        ],
    }


def timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", help="RECORD_SCHEMA Parquet/JSONL; default: local text")
    parser.add_argument("--bytes", type=int, default=400_000)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stage", choices=["cpt", "sft", "both"], default="both")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (1 keeps timings steady on a busy box)"
    )
    parser.add_argument(
        "--with-eval", action="store_true", help="give Forge its held-out file (work bare TRL does not do)"
    )
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)

    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    quiet = Reporter("bench", stream=open("/dev/null", "w"))  # noqa: SIM115
    model_cfg = ModelConfig()  # the default recipe's sizes
    stages = {
        "cpt": CptConfig(max_steps=args.steps, save_steps=max(args.steps // 2, 1)),
        "sft": SftConfig(max_steps=args.steps, save_steps=max(args.steps // 2, 1)),
    }
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        records = load_records(args.records, args.bytes)
        corpus = build_cpt_corpus(records, stages["cpt"].mix, 0.05, seed=0)
        sft = build_sft_conversations(records, holdout_fraction=0.05)
        data = {"cpt": (corpus.train, corpus.eval), "sft": (sft.train, sft.eval)}
        for name, (train, held) in data.items():
            write_dataset(train, root / f"{name}_train.jsonl")
            write_dataset(held, root / f"{name}_eval.jsonl")
        tokenizer = train_bpe(list({r["text"] for r in corpus.train}), 4096, 2)
        tokenizer.save_pretrained(root / "tok")

        for kind in ["cpt", "sft"] if args.stage == "both" else [args.stage]:
            stage = stages[kind]
            forge_times, bare_times = [], []
            for i in range(args.rounds):
                out = root / f"{kind}-{i}"
                common = dict(
                    train_file=str(root / f"{kind}_train.jsonl"),
                    eval_file=str(root / f"{kind}_eval.jsonl") if args.with_eval else None,
                    tokenizer_dir=str(root / "tok"),
                    model=model_cfg,
                    stage=stage,
                )
                run_stage, run_cls = (run_cpt, CptRun) if kind == "cpt" else (run_sft, SftRun)
                forge = partial(run_stage, run_cls(output_dir=str(out / "forge"), **common), quiet)
                bare = partial(bare_trl, kind, stage, data[kind][0], tokenizer, model_cfg, out / "bare", 0)
                # alternate which side goes first, so warm-up and drift do not favour one
                pair = (
                    [("forge", forge), ("bare", bare)] if i % 2 == 0 else [("bare", bare), ("forge", forge)]
                )
                for side, fn in pair:
                    (forge_times if side == "forge" else bare_times).append(timed(fn))
            results[kind] = {
                "steps": args.steps,
                "forge_heldout_eval": args.with_eval,
                "threads": args.threads,
                "rounds": args.rounds,
                **compare(forge_times, bare_times),
            }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
