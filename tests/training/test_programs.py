"""The stage programs as real subprocesses: the chain tokenizer → cpt → sft → evaluate from config files,
the exit codes and messages for bad configs and inputs, and the launch through Dagster Pipes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from forge_data.datasets import write_dataset
from tests.conftest import REPO, forge_env
from tests.training.conftest import TINY, last_json_line, run_program
from training.common.cli import main
from training.cpt import CptRun
from training.cpt import run as run_cpt
from training.sft import SftRun
from training.sft import run as run_sft

STAGE = {"max_steps": 10, "batch_size": 4, "seq_len": 64, "logging_steps": 5, "save_steps": 10}


@pytest.mark.slow
def test_the_chain_runs_as_programs(tmp_path, data_dir):
    tok = run_program(
        "tokenizer",
        {
            "output_dir": str(tmp_path / "tok"),
            "train_files": [str(data_dir / "cpt_train.jsonl")],
            "heldout_files": [str(data_dir / "heldout.jsonl")],
            "tokenizer": {"vocab_size": 400},
            "data_commit": "abc123",
        },
        tmp_path,
    )
    assert tok.returncode == 0, tok.stderr[-2000:]
    tok_summary = last_json_line(tok.stdout)
    assert tok_summary["ok"] and tok_summary["data_commit"] == "abc123"

    # YAML works as well as JSON
    cpt_config = {
        "output_dir": str(tmp_path / "cpt"),
        "train_file": str(data_dir / "cpt_train.jsonl"),
        "eval_file": str(data_dir / "heldout.jsonl"),
        "tokenizer_dir": tok_summary["tokenizer_dir"],
        "model": {**TINY, "architecture": "moe", "num_experts": 2, "experts_per_token": 1},
        "stage": STAGE,
    }
    (tmp_path / "cpt.yaml").write_text(yaml.safe_dump(cpt_config))
    cpt = subprocess.run(
        [sys.executable, "-m", "training.cpt", "--config", str(tmp_path / "cpt.yaml")],
        cwd=REPO,
        env=forge_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cpt.returncode == 0, cpt.stderr[-2000:]
    cpt_summary = last_json_line(cpt.stdout)
    assert json.loads((tmp_path / "cpt" / "summary.json").read_text()) == cpt_summary
    assert cpt_summary["model"]["architecture"] == "Qwen3MoeForCausalLM"

    sft = run_program(
        "sft",
        {
            "output_dir": str(tmp_path / "sft"),
            "train_file": str(data_dir / "sft_train.jsonl"),
            "init_from": cpt_summary["model_dir"],
            "stage": STAGE,
        },
        tmp_path,
    )
    assert sft.returncode == 0, sft.stderr[-2000:]
    sft_summary = last_json_line(sft.stdout)

    write_dataset([{"prompt": "Who owns ledgerd?", "required": ["payments"]}], tmp_path / "acceptance.jsonl")
    ev = run_program(
        "evaluate",
        {
            "output_dir": str(tmp_path / "eval"),
            "model_dir": sft_summary["model_dir"],
            "base_model_dir": cpt_summary["model_dir"],
            "heldout_file": str(data_dir / "heldout.jsonl"),
            "seq_len": 64,
            "eval": {"acceptance": str(tmp_path / "acceptance.jsonl"), "max_new_tokens": 8},
        },
        tmp_path,
    )
    assert ev.returncode == 0, ev.stderr[-2000:]
    figures = last_json_line(ev.stdout)
    assert figures["acceptance"]["cases"] == 1 and "perplexity" in figures
    assert (tmp_path / "eval" / "eval.json").is_file()
    # progress went to stderr as JSON lines; stdout holds only the summary
    progress = [json.loads(line) for line in sft.stderr.splitlines() if line.startswith('{"stage"')]
    assert [p["step"] for p in progress if "loss" in p] == [5, 10]
    assert len(sft.stdout.strip().splitlines()) == 1


def test_an_unknown_key_is_a_config_error_naming_it(tmp_path, data_dir, capsys):
    config = {
        "output_dir": str(tmp_path),
        "train_file": str(data_dir / "cpt_train.jsonl"),
        "stage": {"max_stepz": 3},
    }
    (tmp_path / "c.json").write_text(json.dumps(config))
    assert main("cpt", CptRun, run_cpt, ["--config", str(tmp_path / "c.json")]) == 3
    err = capsys.readouterr().err
    assert "stage.max_stepz" in err and "Extra inputs are not permitted" in err


def test_a_missing_dataset_is_a_usage_error_naming_the_file(tmp_path, capsys):
    (tmp_path / "c.json").write_text(
        json.dumps({"output_dir": str(tmp_path / "o"), "train_file": str(tmp_path / "nope.jsonl")})
    )
    assert main("sft", SftRun, run_sft, ["--config", str(tmp_path / "c.json")]) == 2
    err = capsys.readouterr().err
    assert "nope.jsonl" in err and "Traceback" not in err
