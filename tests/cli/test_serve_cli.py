"""`forge serve` as a real subprocess on a free port: the OpenAI routes' shapes, 400s in OpenAI's error shape,
and models named by registry entry."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from forge_data.cli.common import EXIT_USAGE
from forge_data.registry import register_model
from tests.conftest import REPO, forge_env
from tests.training.synthetic import company_records


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    """A tiny untrained model (a BPE tokenizer with a chat template, two layers) registered as tiny/v1."""
    from forge_data.config import ModelConfig
    from training.models import build_model
    from training.tokenizer import train_bpe

    root = tmp_path_factory.mktemp("serve")
    tokenizer = train_bpe([r["text"] for r in company_records(20, 10, 10)], 400, 2)
    size = dict(
        hidden_size=32, intermediate_size=64, num_layers=1, num_heads=2, num_kv_heads=1, max_seq_len=128
    )
    model = build_model(ModelConfig(**size), tokenizer)
    model.save_pretrained(root / "model")
    tokenizer.save_pretrained(root / "model")
    register_model(
        root / "model", root / "registry", name="tiny", data_commit="c0ffee", recipe={}, metrics={}
    )
    return root / "registry"


def _ignore_sigterm() -> None:
    # What a parent that ran Dagster in a background job hands its children (see forge_data/cli/serve.py).
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@pytest.fixture(scope="module")
def server(registry):
    # Started with SIGTERM ignored, as under a test runner or CI script that ran Dagster in-process:
    # the teardown's SIGTERM must still stop it.
    proc = subprocess.Popen(
        [sys.executable, "-m", "forge_data.cli", "serve", "tiny", "--registry", str(registry), "--port", "0"],
        cwd=REPO,
        env=forge_env(),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        preexec_fn=_ignore_sigterm,
    )
    deadline = time.monotonic() + 120
    line = ""
    while "http://" not in line:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, "forge serve exited before listening"
        assert time.monotonic() < deadline, "forge serve did not start listening"
    url = line.split(" on ")[1].split()[0]
    yield url, line
    os.kill(proc.pid, signal.SIGTERM)
    try:
        assert proc.wait(timeout=30) == 0  # it stops cleanly although it started with SIGTERM ignored
    finally:
        proc.kill()


def _call(url: str, path: str, body=None, raw: bytes | None = None) -> tuple[int, dict]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_the_server_listens_on_localhost_under_the_registry_name(server):
    url, line = server
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1") and "tiny/v1" in line
    status, models = _call(url, "/models")
    assert status == 200 and models["object"] == "list" and models["data"][0]["id"] == "tiny/v1"


def test_chat_completions_have_openais_shape(server):
    url, _ = server
    body = {
        "model": "tiny/v1",
        "messages": [{"role": "user", "content": "Who owns ledgerd?"}],
        "max_tokens": 5,
    }
    status, reply = _call(url, "/chat/completions", body)
    assert status == 200 and reply["object"] == "chat.completion" and reply["model"] == "tiny/v1"
    (choice,) = reply["choices"]
    assert choice["message"]["role"] == "assistant" and isinstance(choice["message"]["content"], str)
    assert choice["finish_reason"] in ("stop", "length")
    usage = reply["usage"]
    assert (
        usage["completion_tokens"] <= 5
        and usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    )
    # greedy by default: the same request gives the same answer
    assert _call(url, "/chat/completions", body)[1]["choices"][0]["message"] == choice["message"]


def test_completions_take_one_prompt_or_several(server):
    url, _ = server
    status, reply = _call(url, "/completions", {"prompt": ["The payments team", "Drain"], "max_tokens": 4})
    assert status == 200 and reply["object"] == "text_completion"
    assert [c["index"] for c in reply["choices"]] == [0, 1]
    assert all(
        isinstance(c["text"], str) and c["finish_reason"] in ("stop", "length") for c in reply["choices"]
    )
    status, reply = _call(
        url, "/completions", {"prompt": "The", "max_tokens": 3, "temperature": 0.8, "seed": 1}
    )
    assert status == 200 and len(reply["choices"]) == 1


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/chat/completions", {"messages": []}, "messages"),
        ("/chat/completions", {"messages": [{"role": "robot", "content": "hi"}]}, "messages"),
        ("/completions", {"prompt": 42}, "prompt"),
        ("/completions", {"prompt": "hi", "max_tokens": 0}, "max_tokens"),
        ("/completions", {"prompt": "hi", "temperature": "hot"}, "temperature"),
        ("/completions", {"prompt": "hi", "stream": True}, "stream"),
    ],
)
def test_bad_requests_get_400_with_an_openai_error(server, path, body, param):
    status, reply = _call(server[0], path, body)
    assert status == 400 and reply["error"]["type"] == "invalid_request_error"
    assert reply["error"]["param"] == param and reply["error"]["message"]


def test_malformed_json_and_unknown_routes(server):
    url, _ = server
    status, reply = _call(url, "/completions", raw=b"{not json")
    assert status == 400 and "not valid JSON" in reply["error"]["message"]
    assert _call(url, "/embeddings", {"input": "x"})[0] == 404


def test_an_unknown_model_is_a_usage_error(run_forge, registry):
    result = run_forge("serve", "nope/v9", "--registry", registry)
    assert result.returncode == EXIT_USAGE
    assert (
        result.stderr.startswith("forge serve: nope/v9: not a model folder")
        and "Traceback" not in result.stderr
    )
