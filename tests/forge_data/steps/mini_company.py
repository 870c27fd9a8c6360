"""A small company with all three kinds of source, built from scratch for fast tests.

A git repository, a Markdown wiki (with an exact copy of one page and a page too short for the
filters), a Slack export whose users carry e-mail addresses, and an mbox. Two people appear across
sources: Jane (jane.doe@acme.test: wiki author, Slack user U1, mail sender) and Bob.
Functions here change the sources the way a company does between runs.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import yaml

JANE = "jane.doe@acme.test"
BOB = "bob.stone@acme.test"
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Forge Test",
    "GIT_AUTHOR_EMAIL": "forge@acme.test",
    "GIT_COMMITTER_NAME": "Forge Test",
    "GIT_COMMITTER_EMAIL": "forge@acme.test",
    "GIT_AUTHOR_DATE": "2024-01-08T10:00:00Z",
    "GIT_COMMITTER_DATE": "2024-01-08T10:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}

RUNBOOK = """---
title: Anvil runbook
author: {author}
---

# Anvil runbook

Anvil ships services to the kiln clusters. Start every deploy with a spark: five percent of the
traffic for twenty minutes (the temper) before promotion. If error rates climb, quench it with
`anvil quench` and page the Platform on-call through Hearth.
"""

PAGES = {
    "runbooks/anvil.md": RUNBOOK.format(author=JANE),
    "runbooks/anvil-mirror.md": RUNBOOK.format(author=JANE),  # an exact copy of the runbook
    "team/platform.md": f"""---
title: Platform team
author: {BOB}
---

# Platform team

The Platform team owns Anvil and Crucible. Questions go to the anvil-help channel; the on-call
rotation changes every Monday at ten in the morning.
""",
    "adr/0001-ingots.md": """# ADR 0001: ingots are immutable

Every dataset snapshot in Foundry is an ingot and never changes after it is sealed. A correction
is a new ingot with a new id; consumers pin ingot ids in their manifests.
""",
    "glossary.md": """# Glossary

- spark: a canary deploy taking five percent of traffic.
- quench: a rollback with anvil quench.
- slag queue: the dead-letter queue of the Foundry pipelines.
""",
    "notes/tiny.md": "ok\n",  # too short: the filters quarantine it
}

CODE = {
    "src/app.py": '''"""The Anvil command line."""


def ship(service: str, spark: bool = True) -> str:
    """Ship a service to the kiln cluster, starting with a spark."""
    stage = "spark" if spark else "full"
    return f"shipping {service} ({stage})"


def quench(service: str) -> str:
    return f"quenching {service}"
''',
    "src/retry.py": '''import time


def retry_with_backoff(fn, attempts: int = 5, base: float = 0.5):
    """Call fn until it succeeds, doubling the wait after each failure."""
    for attempt in range(attempts):
        try:
            return fn()
        except Exception:
            time.sleep(base * 2**attempt)
    return fn()
''',
    "README.md": "# Platform\n\nThe Anvil deploy tool and the Crucible CI configuration live here.\n",
    "package-lock.json": '{"lockfileVersion": 3, "packages": {}}\n',  # a lockfile: quarantined
}

USERS = [
    {
        "id": "U1",
        "name": "jane",
        "real_name": "Jane Doe",
        "profile": {"email": JANE, "real_name": "Jane Doe"},
    },
    {
        "id": "U2",
        "name": "bob",
        "real_name": "Bob Stone",
        "profile": {"email": BOB, "real_name": "Bob Stone"},
    },
]


def _messages(day: int, lines: list[tuple[str, str]]) -> list[dict]:
    base = 1704700000 + day * 86400
    return [
        {"type": "message", "user": user, "text": text, "ts": f"{base + i * 60}.000100"}
        for i, (user, text) in enumerate(lines)
    ]


SLACK_DAYS = {
    "general/2024-01-08.json": _messages(
        0,
        [
            ("U1", "Anvil spark for the billing service is running in kiln-prod now."),
            ("U2", "Thanks, I will watch the Bellows dashboard during the temper."),
        ],
    ),
    "anvil-help/2024-01-09.json": _messages(
        1,
        [
            ("U2", "How do I quench a deploy that is stuck in the temper phase?"),
            ("U2", "Never mind, anvil quench with the service name did it."),
        ],
    ),
}

MBOX = """From {jane} Mon Jan  8 10:00:00 2024
From: Jane Doe <{jane}>
To: platform@acme.test
Subject: Cold Friday reminder
Date: Mon, 08 Jan 2024 10:00:00 +0000
Message-ID: <m1@acme.test>

No deploys after Friday 14:00: the cold Friday freeze starts then and lasts until Monday.

From {bob} Tue Jan  9 11:00:00 2024
From: Bob Stone <{bob}>
To: platform@acme.test
Subject: Crucible billets
Date: Tue, 09 Jan 2024 11:00:00 +0000
Message-ID: <m2@acme.test>

Crucible now keeps build billets for thirty days; older ones move to cold storage.
"""


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **_GIT_ENV}
    return subprocess.run(
        ["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def build(root: Path, *, pii: bool = False, state_dir: str = "state") -> Path:
    """Write the company under ``root`` and return its forge.yaml."""
    repo = root / "repo"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, CODE)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "initial")
    write_files(root / "wiki", PAGES)
    slack = root / "slack"
    write_files(slack, {rel: json.dumps(msgs) for rel, msgs in SLACK_DAYS.items()})
    (slack / "users.json").write_text(json.dumps(USERS))
    channels = [{"id": "C1", "name": "general"}, {"id": "C2", "name": "anvil-help"}]
    (slack / "channels.json").write_text(json.dumps(channels))
    write_files(root / "mail", {"team.mbox": MBOX.format(jane=JANE, bob=BOB)})
    return write_config(root / "forge.yaml", pii=pii, state_dir=state_dir)


def write_config(path: Path, *, pii: bool = False, state_dir: str = "state", **sections) -> Path:
    config = {
        "project": {"name": "mini", "state_dir": state_dir},
        "sources": [
            {"name": "code", "kind": "git", "path": "repo", "ref": "main"},
            {"name": "wiki", "kind": "wiki", "path": "wiki"},
            {"name": "slack", "kind": "chat", "path": "slack"},
            {"name": "mail", "kind": "chat", "path": "mail/team.mbox"},
        ],
        "curation": {"pii": {"enabled": pii}},
        "training": {"enabled": False},
        **sections,
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


# --- what changes between runs ---------------------------------------------------------------


def edit_page(root: Path, rel: str, extra: str) -> None:
    path = root / "wiki" / rel
    path.write_text(path.read_text() + extra)


def commit_code(root: Path, files: dict[str, str], message: str = "change") -> str:
    repo = root / "repo"
    write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD").strip()


def add_slack_day(root: Path, rel: str, lines: list[tuple[str, str]], day: int) -> None:
    write_files(root / "slack", {rel: json.dumps(_messages(day, lines))})


# --- models trained on the company's data ---------------------------------------------------


def tiny_model(folder: Path) -> Path:
    """A real HF model folder: a one-layer Llama built from config (nothing downloaded)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=1,
    )  # fmt: skip
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


def train_on_main(cfg, store, tmp_path: Path, name: str) -> dict:
    """Build the training datasets from main's head and register a model as trained on them."""
    from forge_data.steps import datasets
    from forge_data.steps.register import register
    from forge_data.workspace import Workspace

    ws = Workspace(cfg.state_dir)
    datasets.build(cfg, ws, store)
    return register(cfg, ws, store, tiny_model(tmp_path / name), {"perplexity": 1.0}, {"cpt": str(tmp_path)})
