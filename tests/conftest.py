"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("FORGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def forge_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env.update(extra)
    return env


@pytest.fixture
def run_forge():
    """Run the real `forge` CLI in a subprocess, as a user or an agent would."""

    def _run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600):
        return subprocess.run(
            [sys.executable, "-m", "forge_data.cli", *map(str, args)],
            cwd=cwd or REPO,
            env=forge_env(**(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return _run


@pytest.fixture
def redis_url() -> str:
    """The Redis service (FORGE_TEST_REDIS_URL); skips with the reason when it is unreachable."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except (redis.ConnectionError, redis.TimeoutError, OSError) as err:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {err}")
    return REDIS_URL
