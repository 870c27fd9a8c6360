"""The backends the contract suite runs against, and a way to start a store worker process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from forge_data.store.embedded import EmbeddedStore
from tests.conftest import REPO, forge_env

LAKEFS_VARS = ("LAKEFS_ENDPOINT", "LAKEFS_ACCESS_KEY_ID", "LAKEFS_SECRET_ACCESS_KEY")


def _lakefs_store():
    """A fresh repository on the lakeFS server the environment names, deleted afterwards."""
    if not os.environ.get("LAKEFS_ENDPOINT"):
        pytest.skip("lakeFS contract tests need a server: set LAKEFS_ENDPOINT (see docs/lakefs.md)")
    missing = [v for v in LAKEFS_VARS if not os.environ.get(v)]
    if missing:
        pytest.fail(f"LAKEFS_ENDPOINT is set but {', '.join(missing)} is not")
    import lakefs

    from forge_data.store.lakefs_store import LakeFSStore

    endpoint, key, secret = (os.environ[v] for v in LAKEFS_VARS)
    name = f"forge-test-{uuid.uuid4().hex[:12]}"
    namespace = os.environ.get("LAKEFS_TEST_STORAGE_NAMESPACE", "local://forge-tests").rstrip("/")
    store = LakeFSStore(name, endpoint, key, secret, storage_namespace=f"{namespace}/{name}")
    try:
        yield store
    finally:
        client = lakefs.Client(host=endpoint, username=key, password=secret)
        lakefs.Repository(name, client=client).delete()


@pytest.fixture(params=["embedded", pytest.param("lakefs", marks=pytest.mark.lakefs)])
def store(request, tmp_path):
    if request.param == "embedded":
        yield EmbeddedStore(tmp_path / "store")
    else:
        yield from _lakefs_store()


def start_worker(*args: str) -> subprocess.Popen:
    """``store_worker`` in its own process group, so a test can kill it with its git children."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.forge_data.store.store_worker", *map(str, args)],
        cwd=REPO,
        env=forge_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def git(store_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """Plain git on the store's repository, as a person inspecting it would run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_DIR=str(store_dir / "repo.git"), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return subprocess.run(["git", *args], env=env, capture_output=True, text=True, timeout=60)


def closed_port() -> int:
    """A local port nothing listens on, for an endpoint that refuses connections."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
