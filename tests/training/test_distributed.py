"""The stage programs under torchrun: two CPU processes (DDP over gloo) with half the per-device batch
reach the loss one process reaches with the whole batch; FSDP on CPU is refused with the reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, forge_env
from tests.training.conftest import TINY, last_json_line

pytestmark = pytest.mark.slow

GLOBAL_BATCH = 4
STAGE = {"max_steps": 6, "seq_len": 64, "logging_steps": 1, "save_steps": 100, "warmup_ratio": 0.0}


def _run(stage: str, config: dict, folder: Path, nproc: int) -> subprocess.CompletedProcess:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.json"
    path.write_text(json.dumps(config))
    launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}"]
    cmd = [*(launcher if nproc > 1 else [sys.executable]), "-m", f"training.{stage}", "--config", str(path)]
    # One thread per process: two processes share the two cores instead of fighting over them.
    env = forge_env(OMP_NUM_THREADS="1")
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def _losses(folder: Path) -> list[float]:
    lines = (folder / "log_history.jsonl").read_text().splitlines()
    return [json.loads(line)["loss"] for line in lines if "loss" in json.loads(line)]


def _cpt_config(out: Path, data_dir: Path, tokenizer_dir: Path, batch: int, **stage) -> dict:
    return {
        "output_dir": str(out),
        "train_file": str(data_dir / "cpt_train.jsonl"),
        "tokenizer_dir": str(tokenizer_dir),
        "device": "cpu",
        "model": TINY,
        "stage": {**STAGE, "batch_size": batch, **stage},
    }


def _sft_config(out: Path, data_dir: Path, init_from: str, batch: int) -> dict:
    return {
        "output_dir": str(out),
        "train_file": str(data_dir / "sft_train.jsonl"),
        "init_from": init_from,
        "device": "cpu",
        "stage": {**STAGE, "max_steps": 3, "batch_size": batch},
    }


def _one_and_two(stage: str, config, tmp_path: Path) -> tuple[list[float], list[float]]:
    """Loss per step with the global batch on one process, and halved per process on two."""
    one = _run(stage, config(tmp_path / f"{stage}-one", GLOBAL_BATCH), tmp_path / f"{stage}-one", 1)
    assert one.returncode == 0, one.stderr[-3000:]
    two = _run(stage, config(tmp_path / f"{stage}-two", GLOBAL_BATCH // 2), tmp_path / f"{stage}-two", 2)
    assert two.returncode == 0, two.stderr[-3000:]
    # Rank 0 alone writes the summary and prints it.
    assert two.stdout.count(f'"stage": "{stage}"') == 1
    summary = last_json_line(two.stdout)
    assert Path(summary["model_dir"]).is_dir()
    return _losses(tmp_path / f"{stage}-one"), _losses(tmp_path / f"{stage}-two")


def test_cpt_and_sft_on_two_processes_match_one(tmp_path, data_dir, tokenizer_dir):
    a, b = _one_and_two("cpt", lambda out, batch: _cpt_config(out, data_dir, tokenizer_dir, batch), tmp_path)
    assert len(a) == len(b) == STAGE["max_steps"]
    # The same samples make each global batch and DDP averages the gradients, so the runs follow one
    # trajectory; what differs is float summation order (gloo all-reduce vs one matmul).
    assert a[0] != a[-1]
    for x, y in zip(a, b, strict=True):
        assert abs(x - y) <= 1e-3 * max(1.0, abs(x)), (a, b)

    # SFT from that model: padded batches, loss on the answers only; the trainer averages over the
    # tokens of the whole global batch, so uneven answers across processes do not skew it.
    init = str(tmp_path / "cpt-one" / "model")
    a, b = _one_and_two("sft", lambda out, batch: _sft_config(out, data_dir, init, batch), tmp_path)
    assert len(a) == len(b) == 3
    for x, y in zip(a, b, strict=True):
        assert abs(x - y) <= 1e-3 * max(1.0, abs(x)), (a, b)


def test_fsdp_on_cpu_is_refused_with_the_reason(tmp_path, data_dir, tokenizer_dir):
    config = _cpt_config(tmp_path / "fsdp", data_dir, tokenizer_dir, 2, parallel="fsdp", max_steps=1)
    result = _run("cpt", config, tmp_path / "fsdp", 2)
    assert result.returncode != 0, result.stderr[-3000:]  # torchrun reports its workers' exit 2 as 1
    assert "stage.parallel 'fsdp' needs CUDA GPUs" in result.stderr
