"""A small real project for the sensors: a git repository, a wiki folder and a mail export in tmp_path."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
import yaml

from tests.assets.conftest import TINY_TRAINING

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "PATH": "/usr/bin:/bin",
}

MBOX = """From alice@example.invalid Mon Jan  6 09:00:00 2025
From: Alice <alice@example.invalid>
Subject: Deploy window
Date: Mon, 6 Jan 2025 09:00:00 +0000
Message-ID: <1@example.invalid>

The ledger deploy window moves to Thursday.
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], env=GIT_ENV, check=True, capture_output=True, text=True
    ).stdout.strip()


def commit_file(repo: Path, name: str, text: str) -> str:
    (repo / name).write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", f"change {name}")
    return git(repo, "rev-parse", "HEAD")


@dataclass
class Project:
    root: Path
    config: Path
    repo: Path
    wiki: Path
    mbox: Path

    def write(self, **keep_current) -> Path:
        """Rewrite forge.yaml with these keep_current settings (sensors every 10 s by default)."""
        data = yaml.safe_load(self.config.read_text())
        data["keep_current"] = keep_current
        self.config.write_text(yaml.safe_dump(data, sort_keys=False))
        return self.config

    def defs(self) -> dg.Definitions:
        from definitions import build_definitions

        return build_definitions(self.config)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


def make_project(tmp_path: Path) -> Project:
    """A git repository with one commit, a wiki folder of three pages and a one-mail export, with forge.yaml."""
    repo = tmp_path / "code"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit_file(
        repo, "ledger.py", "def post(entry):\n    '''Post one entry to the ledger.'''\n    return entry\n"
    )
    wiki = tmp_path / "wiki"
    wiki.mkdir()
    for i in range(3):
        (wiki / f"runbook-{i}.md").write_text(
            f"# Runbook {i}\n\nRestart the ledger queue, then page the team.\n"
        )
    mbox = tmp_path / "mail.mbox"
    mbox.write_text(MBOX)
    config = tmp_path / "forge.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "project": {"name": "acme", "state_dir": "state"},
                "sources": [
                    {"name": "code", "kind": "git", "path": "code"},
                    {"name": "wiki", "kind": "wiki", "path": "wiki", "exclude": ["drafts"]},
                    {"name": "mail", "kind": "chat", "path": "mail.mbox"},
                ],
                "training": TINY_TRAINING,
            },
            sort_keys=False,
        )
    )
    return Project(tmp_path, config, repo, wiki, mbox)


def evaluate(defs: dg.Definitions, name: str, instance: dg.DagsterInstance, cursor: str | None = None):
    """One tick of a sensor as the daemon runs it: resources from the definitions, run requests resolved."""
    repo = defs.get_repository_def()
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, repository_def=repo, sensor_name=name, resources=defs.resources
    )
    return repo.get_sensor_def(name).evaluate_tick(context)


def register(project: Project, data_commit: str):
    """Register a model folder trained on ``data_commit`` under the project's name, as training would."""
    import numpy as np
    from safetensors.numpy import save_file

    from forge_data.config import load
    from forge_data.registry import register_model
    from forge_data.workspace import Workspace

    cfg = load(project.config)
    folder = project.root / "trained" / data_commit[:12]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text('{"model_type": "llama"}')
    save_file({"lm_head.weight": np.zeros((2, 2), dtype=np.float32)}, str(folder / "model.safetensors"))
    return register_model(
        folder,
        Workspace(cfg.state_dir).registry,
        name=cfg.project.name,
        data_commit=data_commit,
        recipe={},
        metrics={},
    )
