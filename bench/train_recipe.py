"""The default training recipe end to end on CPU: how long each stage takes and what CPT buys.

    python -m bench.train_recipe                       # ~1 MB of local text (see bench/train_corpus.py)
    python -m bench.train_recipe --records records.parquet --cpt-steps 300 --sft-steps 60

Builds the datasets with forge_data.datasets, then runs the tokenizer, CPT and SFT stages with
forge.yaml's default TrainingConfig (overridable here) and prints one JSON object: seconds per
stage, held-out perplexity and bits per byte before and after CPT, SFT eval loss.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.train_corpus import load_records
from forge_data.config import TrainingConfig
from forge_data.datasets import build_cpt_corpus, build_sft_conversations, write_dataset
from training.common.reporter import Reporter
from training.common.runtime import keep_freed_memory
from training.cpt import CptRun
from training.cpt import run as run_cpt
from training.sft import SftRun
from training.sft import run as run_sft
from training.tokenizer import TokenizerRun
from training.tokenizer import run as run_tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", help="RECORD_SCHEMA Parquet/JSONL; default: local text")
    parser.add_argument("--bytes", type=int, default=1_000_000, help="size of the local corpus")
    parser.add_argument("--cpt-steps", type=int)
    parser.add_argument("--sft-steps", type=int)
    parser.add_argument("--layers", type=int)
    parser.add_argument("--architecture", choices=["dense", "moe"])
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument(
        "--glibc-default", action="store_true", help="skip keep_freed_memory() (the programs call it)"
    )
    args = parser.parse_args()

    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    if args.threads:
        torch.set_num_threads(args.threads)
    if not args.glibc_default:
        keep_freed_memory()

    recipe = TrainingConfig()
    if args.cpt_steps:
        recipe.stages.cpt.max_steps = args.cpt_steps
    if args.sft_steps:
        recipe.stages.sft.max_steps = args.sft_steps
    if args.layers:
        recipe.model.num_layers = args.layers
    if args.architecture:
        recipe.model.architecture = args.architecture
    quiet = Reporter("bench", stream=open("/dev/null", "w"))  # noqa: SIM115 (lives as long as the run)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        records = load_records(args.records, args.bytes)
        corpus = build_cpt_corpus(
            records, recipe.stages.cpt.mix, recipe.eval.holdout_fraction, seed=recipe.seed
        )
        sft = build_sft_conversations(records, holdout_fraction=recipe.eval.holdout_fraction)
        for name, rows in (
            ("cpt_train", corpus.train),
            ("cpt_eval", corpus.eval),
            ("sft_train", sft.train),
            ("sft_eval", sft.eval),
        ):
            write_dataset(rows, root / f"{name}.jsonl")
        seconds, cpu_seconds = {}, {}

        def timed(stage: str, fn, cfg):
            wall, cpu = time.perf_counter(), time.process_time()
            result = fn(cfg, quiet)
            seconds[stage] = round(time.perf_counter() - wall, 1)
            cpu_seconds[stage] = round(time.process_time() - cpu, 1)
            return result

        tok = timed(
            "tokenizer",
            run_tokenizer,
            TokenizerRun(
                output_dir=str(root / "tok"),
                train_files=[str(root / "cpt_train.jsonl")],
                heldout_files=[str(root / "cpt_eval.jsonl")],
                tokenizer=recipe.tokenizer,
            ),
        )
        cpt = timed(
            "cpt",
            run_cpt,
            CptRun(
                output_dir=str(root / "cpt"),
                train_file=str(root / "cpt_train.jsonl"),
                eval_file=str(root / "cpt_eval.jsonl"),
                tokenizer_dir=tok["tokenizer_dir"],
                model=recipe.model,
                stage=recipe.stages.cpt,
                seed=recipe.seed,
            ),
        )
        sft_summary = timed(
            "sft",
            run_sft,
            SftRun(
                output_dir=str(root / "sft"),
                train_file=str(root / "sft_train.jsonl"),
                eval_file=str(root / "sft_eval.jsonl") if sft.eval else None,
                init_from=cpt["model_dir"],
                stage=recipe.stages.sft,
                seed=recipe.seed,
            ),
        )

    print(
        json.dumps(
            {
                "corpus": {
                    "records": len(records),
                    "bytes": sum(len(r["text"].encode()) for r in records),
                    "cpt_train_tokens_est": corpus.stats["train_tokens_est"],
                    "sft_conversations": len(sft.train),
                },
                "recipe": {
                    "model": recipe.model.model_dump(include={"architecture", "hidden_size", "num_layers"}),
                    "vocab_size": tok["vocab_size"],
                    "cpt_steps": cpt["steps"],
                    "sft_steps": sft_summary["steps"],
                    "parameters": cpt["model"]["parameters"],
                },
                "threads": torch.get_num_threads(),
                "keep_freed_memory": not args.glibc_default,
                "wall_seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "tokens_per_word": tok["tokens_per_word"],
                "cpt_heldout": {
                    k: {m: v[m] for m in ("perplexity", "bits_per_byte")} for k, v in cpt["heldout"].items()
                },
                "cpt_tokens_per_s": cpt["tokens_per_s"],
                "sft_eval_loss": sft_summary["eval_loss"],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
