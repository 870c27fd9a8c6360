"""Shared fixtures: a synthetic company's datasets, a tokenizer trained on them, tiny model sizes.

Session-scoped where a fixture is a real stage output that several tests read (never modify).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forge_data.config import ModelConfig
from forge_data.datasets import build_cpt_corpus, build_sft_conversations, write_dataset
from tests.conftest import REPO, forge_env
from tests.training.synthetic import company_records, heldout_texts

TINY = dict(hidden_size=64, intermediate_size=128, num_layers=2, num_heads=4, num_kv_heads=2, max_seq_len=128)


def tiny_model(**overrides) -> ModelConfig:
    return ModelConfig(**{**TINY, **overrides})


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """CPT and SFT datasets built by forge_data.datasets from the synthetic company."""
    folder = tmp_path_factory.mktemp("data")
    records = company_records(n_docs=60, n_code=60, n_threads=60)
    corpus = build_cpt_corpus(records, {"code": 0.4, "doc": 0.4, "chat": 0.2}, holdout_fraction=0.1, seed=0)
    write_dataset(corpus.train, folder / "cpt_train.jsonl")
    write_dataset(corpus.eval, folder / "cpt_eval.jsonl")
    # Fresh text from another seed: held-out domain text the tokenizer and model never saw.
    write_dataset(heldout_texts(), folder / "heldout.jsonl")
    sft = build_sft_conversations(records, holdout_fraction=0.1)
    write_dataset(sft.train, folder / "sft_train.jsonl")
    write_dataset(sft.eval, folder / "sft_eval.jsonl")
    return folder


@pytest.fixture(scope="session")
def tokenizer_dir(data_dir, tmp_path_factory) -> Path:
    from training.common.reporter import Reporter
    from training.tokenizer import TokenizerRun, run

    out = tmp_path_factory.mktemp("tokenizer")
    cfg = TokenizerRun(
        output_dir=str(out),
        train_files=[str(data_dir / "cpt_train.jsonl")],
        heldout_files=[str(data_dir / "cpt_eval.jsonl")],
        tokenizer={"vocab_size": 512},
    )
    run(cfg, Reporter("tokenizer"))
    return out / "tokenizer"


def run_program(stage: str, config: dict, tmp_path: Path, timeout: float = 300, **env: str):
    """Run ``python -m training.<stage> --config`` as a real subprocess, as Dagster Pipes would."""
    path = tmp_path / f"{stage}-config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", f"training.{stage}", "--config", str(path)],
        cwd=REPO,
        env=forge_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def last_json_line(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


GGUF_ENV = "FORGE_SMOLLM2_GGUF"


def smollm2_gguf() -> Path | None:
    path = os.environ.get(GGUF_ENV)
    return Path(path) if path and Path(path).is_file() else None


def cpt_run(out: Path, data_dir: Path, tokenizer_dir: Path, **overrides):
    """A CptRun for the tiny recipe the tests use (tens of steps, a few seconds on CPU)."""
    from training.cpt import CptRun

    fields = dict(
        output_dir=str(out),
        train_file=str(data_dir / "cpt_train.jsonl"),
        eval_file=str(data_dir / "heldout.jsonl"),
        tokenizer_dir=str(tokenizer_dir) if tokenizer_dir else None,
        model=tiny_model(),
        stage={
            "max_steps": 40,
            "batch_size": 8,
            "seq_len": 128,
            "learning_rate": 3e-3,
            "logging_steps": 10,
            "save_steps": 20,
        },
    )
    return CptRun(**{**fields, **overrides})


@pytest.fixture(scope="session")
def cpt_output(data_dir, tokenizer_dir, tmp_path_factory) -> dict:
    """One real CPT run (dense, from scratch) whose model later stages start from."""
    from training.common.reporter import Reporter
    from training.cpt import run

    out = tmp_path_factory.mktemp("cpt")
    return run(cpt_run(out, data_dir, tokenizer_dir), Reporter("cpt"))
