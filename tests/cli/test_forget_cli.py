"""`forge forget` end to end through the CLI: removal, stale models, hashes only, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from forge_data.cli.common import EXIT_OK, EXIT_USAGE
from forge_data.registry import list_models
from tests.forge_data.steps import mini_company as mc
from tests.forge_data.steps.conftest import published


def test_forget_by_author_through_the_cli(run_forge, tmp_path: Path):
    config = mc.build(tmp_path / "company")
    cfg, store, _ = published(config)
    model = mc.train_on_main(cfg, store, tmp_path, "model")

    proc = run_forge(
        "forget", "--author", mc.JANE, "--config", config, "--reason", f"erasure for {mc.JANE}", "--json"
    )
    assert proc.returncode == EXIT_OK, proc.stderr
    out = json.loads(proc.stdout)
    assert out["removed"]["records"] == 3 and out["commit"] == store.head("main")
    assert out["models"] == [
        {"model": model["model"], "data_commit": model["data_commit"], "status": "stale", "was": "active"}
    ]
    assert mc.JANE not in proc.stdout + proc.stderr
    assert out["reason"].startswith("erasure for <email:")
    assert [e.status for e in list_models(Path(cfg.state_dir) / "registry")] == ["stale"]

    after = json.loads(run_forge("lineage", "--author", mc.JANE, "--config", config, "--json").stdout)
    assert after["found"] and not after["in_main_head"]  # in the history, no longer on main


def test_forget_usage_errors(run_forge, tmp_path: Path):
    config = mc.build(tmp_path / "company")
    assert run_forge("forget", "--config", config).returncode == EXIT_USAGE
    assert run_forge("forget", "--record", "x", "--config", config).returncode == EXIT_USAGE
    missing = run_forge("forget", "--uri", "a", "--config", tmp_path / "none.yaml")
    assert missing.returncode == EXIT_USAGE and "project file not found" in missing.stderr
