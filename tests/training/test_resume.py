"""Exact resume after a kill: SIGKILL a real training process after a checkpoint, start it again, and
the final weights and losses match an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from tests.conftest import REPO, forge_env
from tests.training.conftest import cpt_run, last_json_line, run_program
from training.common.checkpoints import is_complete

STAGE = {
    "max_steps": 30,
    "batch_size": 4,
    "seq_len": 64,
    "learning_rate": 3e-3,
    "logging_steps": 5,
    "save_steps": 5,
}


def _config(out: Path, data_dir, tokenizer_dir) -> dict:
    return cpt_run(out, data_dir, tokenizer_dir, stage=STAGE, eval_file=None).model_dump(mode="json")


def _losses(out: Path) -> dict[int, float]:
    lines = (out / "log_history.jsonl").read_text().splitlines()
    return {r["step"]: r["loss"] for r in map(json.loads, lines) if "loss" in r}


@pytest.mark.slow
def test_a_killed_run_resumes_exactly(tmp_path, data_dir, tokenizer_dir):
    reference = tmp_path / "reference"
    done = run_program("cpt", _config(reference, data_dir, tokenizer_dir), tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]

    killed = tmp_path / "killed"
    config = tmp_path / "killed.json"
    config.write_text(json.dumps(_config(killed, data_dir, tokenizer_dir)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "training.cpt", "--config", str(config)],
        cwd=REPO,
        env=forge_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not is_complete(killed / "checkpoints" / "checkpoint-10"):
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    assert not (killed / "model").exists()  # it really died mid-run

    resumed = run_program("cpt", _config(killed, data_dir, tokenizer_dir), tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    summary = last_json_line(resumed.stdout)
    step = int(summary["resumed_from"].split("-")[1])
    assert 10 <= step < 30 and summary["steps"] == 30

    a = load_file(reference / "model" / "model.safetensors")
    b = load_file(killed / "model" / "model.safetensors")
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(b[key], a[key], rtol=0, atol=1e-6, msg=key)
    # every loss logged after the resume point is the uninterrupted run's loss
    ref, res = _losses(reference), _losses(killed)
    after = [s for s in ref if s > step]
    assert after and all(abs(res[s] - ref[s]) < 1e-5 for s in after)
