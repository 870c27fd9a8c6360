"""The services of a team deployment, reached for real; each fixture skips with the reason when one is not.

Where to find them comes from the environment (CI and the dev machines run all three locally):
FORGE_TEST_PG_URL (an administrative connection that may create databases), FORGE_TEST_BROKER
(a Celery broker); Redis is tests/conftest.py's ``redis_url`` (FORGE_TEST_REDIS_URL).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO, forge_env

PG_URL = os.environ.get("FORGE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BROKER = os.environ.get("FORGE_TEST_BROKER", "pyamqp://guest:guest@127.0.0.1:5672//")


def _reachable(url: str, default_port: int) -> str | None:
    """None when something listens at the URL's host and port, else why not."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError as err:
        return f"{host}:{port} is unreachable ({err})"
    return None


@pytest.fixture
def postgres_db(monkeypatch):
    """A throwaway database on the PostgreSQL service, named in DAGSTER_PG_* for deploy/dagster.postgres.yaml."""
    psycopg2 = pytest.importorskip("psycopg2", reason="the team extra (psycopg2) is not installed")
    try:
        admin = psycopg2.connect(PG_URL, connect_timeout=2)
    except psycopg2.OperationalError as err:
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable: {str(err).strip()}")
    admin.autocommit = True
    name = f"forge_test_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(PG_URL)
    monkeypatch.setenv("DAGSTER_PG_HOST", parts.hostname or "127.0.0.1")
    monkeypatch.setenv("DAGSTER_PG_PORT", str(parts.port or 5432))
    monkeypatch.setenv("DAGSTER_PG_DB", name)
    monkeypatch.setenv("DAGSTER_PG_USERNAME", parts.username or "postgres")
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", parts.password or "")
    try:
        yield name
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def broker_url() -> str:
    pytest.importorskip("dagster_celery", reason="the team extra (dagster-celery) is not installed")
    reason = _reachable(BROKER, 5672)
    if reason:
        pytest.skip(f"Celery broker {BROKER.split('@')[-1]}: {reason}")
    return BROKER


def dagster_home(folder: Path, yaml_file: str) -> Path:
    """A fresh DAGSTER_HOME holding one of the repository's instance files."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / yaml_file, folder / "dagster.yaml")
    return folder


class CeleryWorkers:
    """Celery worker processes started with the `dagster-celery worker start` CLI, as a deployment does."""

    def __init__(self, home: Path, broker: str, queue: str, names: list[str], logs: Path):
        config = logs / "celery.yaml"
        config.write_text(
            "execution:\n  config:\n"
            f"    broker: {{env: FORGE_CELERY_BROKER}}\n    backend: 'rpc://'\n"
            f"    config_source: {{task_default_queue: {queue}}}\n"
        )
        bin_dir = str(Path(sys.executable).parent)  # the CLI execs `celery` from PATH
        env = forge_env(DAGSTER_HOME=str(home), FORGE_CELERY_BROKER=broker)
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
        exe = str(Path(bin_dir) / "dagster-celery")
        self.procs = []
        for name in names:
            log = (logs / f"{name}.log").open("w")
            cmd = [exe, "worker", "start", "-A", "dagster_celery.app", "-y", str(config), "-q", queue]
            cmd += ["-n", f"{name}-{queue}", "--", "--concurrency=1", "--pool=prefork"]
            # Own session: the worker and the pool children it forks are stopped together.
            self.procs.append(
                subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=log, start_new_session=True)
            )
        self.logs = [logs / f"{n}.log" for n in names]
        self.broker, self.queue = broker, queue

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all("ready." in p.read_text() for p in self.logs):
                return
            for proc, log in zip(self.procs, self.logs, strict=True):
                if proc.poll() is not None:
                    raise RuntimeError(f"celery worker exited: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        raise TimeoutError(
            "celery workers did not come up: " + " | ".join(p.read_text()[-500:] for p in self.logs)
        )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, 15)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
        # Celery declares its queues durable: remove this one from the shared broker.
        from kombu import Connection

        with Connection(self.broker) as conn:
            conn.default_channel.queue_delete(self.queue)
