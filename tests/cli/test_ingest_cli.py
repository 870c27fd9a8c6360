"""`forge ingest` end to end: real git repository, wiki folder and chat export, through the CLI."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from forge_data.cli.common import EXIT_CONFIG, EXIT_OK, EXIT_USAGE
from forge_data.schema import QUARANTINE_SCHEMA, RECORD_SCHEMA, validate

GIT = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        [*GIT, "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def company(tmp_path: Path) -> dict[str, Path | str]:
    repo = tmp_path / "service"
    (repo / "src").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "src/app.py").write_text("def handler(event):\n    return {'ok': True}\n")
    (repo / "src/old.py").write_text("OLD = 1\n")
    (repo / "README.md").write_text("# Service\n\nHandles events from the queue.\n")
    (repo / "yarn.lock").write_text("# lock\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    first = git(repo, "rev-parse", "HEAD")
    (repo / "src/app.py").write_text("def handler(event):\n    return {'ok': bool(event)}\n")
    git(repo, "rm", "-q", "src/old.py")
    git(repo, "commit", "-q", "-am", "two")

    wiki = tmp_path / "wiki"
    wiki.mkdir()
    (wiki / "oncall.md").write_text("---\ntitle: On-call\n---\n# On-call\n\nThe rota changes on Mondays.\n")
    (wiki / "scan.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    with zipfile.ZipFile(wiki / "export.zip", "w") as zf:
        zf.writestr("../../escape.md", "# Escape\n")
        zf.writestr("ok.md", "# Fine\n\nA page inside an archive.\n")

    chat = tmp_path / "chat"
    (chat / "slack/general").mkdir(parents=True)
    (chat / "slack/channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    (chat / "slack/users.json").write_text(json.dumps([{"id": "U1", "name": "dana"}]))
    (chat / "slack/general/2024-02-01.json").write_text(
        json.dumps(
            [{"type": "message", "user": "U1", "text": "Queue is draining now.", "ts": "1706781600.0001"}]
        )
    )
    (chat / "team.mbox").write_bytes(
        b"From x\nFrom: dana@example.com\nSubject: Outage\nMessage-ID: <o1@x>\n\nThe queue stalled at 3am.\n"
    )
    return {"repo": repo, "first": first, "wiki": wiki, "chat": chat, "root": tmp_path}


def test_ingest_all_three_kinds_writes_parquet_and_accounts_for_everything(company, run_forge, tmp_path):
    out = tmp_path / "out"
    proc = run_forge(
        "ingest", "--git", f"{company['repo']}@main", "--wiki", company["wiki"],
        "--chat", f"file://{company['chat']}", "--out", out, "--json",
    )  # fmt: skip
    assert proc.returncode == EXIT_OK, proc.stderr
    summary = json.loads(proc.stdout)
    sources = summary["sources"]
    assert set(sources) == {"service", "wiki", "chat"}
    for stats in sources.values():
        assert stats["inputs"] == stats["records"] + stats["quarantined"]
    assert sources["service"]["by_reason"] == {"lockfile": 1}
    assert sources["wiki"]["by_reason"] == {"corrupt": 1, "path_traversal": 1}
    assert sources["chat"]["by_format"] == {"mbox": 1, "slack": 1}
    records, quarantine = pq.read_table(out / "records.parquet"), pq.read_table(out / "quarantine.parquet")
    assert validate(records, RECORD_SCHEMA) == [] and validate(quarantine, QUARANTINE_SCHEMA) == []
    total = summary["total"]
    assert (total["records"], total["quarantined"]) == (records.num_rows, quarantine.num_rows)
    assert total["inputs"] == sum(s["inputs"] for s in sources.values()) == 3 + 4 + 2
    assert set(records.column("source").to_pylist()) == {"service", "wiki", "chat"}
    assert sorted(records.column("kind").unique().to_pylist()) == ["chat", "code", "doc"]


def test_text_summary_and_incremental_git(company, run_forge, tmp_path):
    proc = run_forge("ingest", "--git", company["repo"], "--since", company["first"], "--out", tmp_path / "o")
    assert proc.returncode == EXIT_OK, proc.stderr
    assert "service: git: 1 inputs = 1 records + 0 quarantined" in proc.stdout
    proc = run_forge(
        "ingest", "--git", company["repo"], "--since", company["first"], "--out", tmp_path / "o", "--json"
    )
    summary = json.loads(proc.stdout)
    assert summary["deleted"] == ["service/src/old.py"]
    assert summary["sources"]["service"]["mode"] == "incremental"
    assert pq.read_table(tmp_path / "o/records.parquet").column("uri").to_pylist() == ["service/src/app.py"]


def test_project_file_sources(company, run_forge, tmp_path):
    cfg = company["root"] / "forge.yaml"
    cfg.write_text(
        "sources:\n"
        "  - {name: handbook, kind: wiki, path: wiki}\n"
        "  - {name: code, kind: git, path: service, ref: main, exclude: ['*.lock']}\n"
    )
    proc = run_forge("ingest", "--config", cfg, "--source", "code", "--out", tmp_path / "o", "--json")
    assert proc.returncode == EXIT_OK, proc.stderr
    stats = json.loads(proc.stdout)["sources"]["code"]
    assert (stats["inputs"], stats["excluded_by_config"]) == (2, 1)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--git", "/no/such/repo"], EXIT_USAGE, "--git /no/such/repo: no such file or folder"),
        (["--git", "{repo}@no-such-tag"], EXIT_USAGE, "no commit, branch or tag named 'no-such-tag'"),
        (["--git", "{wiki}"], EXIT_USAGE, "not a git repository"),
        ([], EXIT_USAGE, "nothing to ingest"),
        (["--wiki", "{wiki}", "--source", "x"], EXIT_USAGE, "--source needs --config"),
        (["--wiki", "{wiki}", "--since", "abc"], EXIT_USAGE, "--since applies to git sources"),
        (["--config", "{root}/bad.yaml"], EXIT_CONFIG, "invalid project file"),
    ],
)
def test_bad_input_exits_with_one_line(company, run_forge, tmp_path, args, code, message):
    (company["root"] / "bad.yaml").write_text("sources:\n  - {name: x, kind: ftp, path: y}\n")
    args = [a.format(**{k: str(v) for k, v in company.items()}) for a in args]
    proc = run_forge("ingest", *args, "--out", tmp_path / "o")
    assert proc.returncode == code
    assert message in proc.stderr and proc.stderr.startswith("forge ingest: ")
    assert "Traceback" not in proc.stderr
