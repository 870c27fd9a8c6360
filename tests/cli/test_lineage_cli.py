"""`forge lineage` end to end through the CLI, on a published mini company."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forge_data.cli.common import EXIT_CONFIG, EXIT_OK, EXIT_USAGE
from tests.forge_data.steps import mini_company as mc
from tests.forge_data.steps.conftest import published


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two data commits (the second adds an ADR) and a model trained on the second."""
    tmp = tmp_path_factory.mktemp("lineage-cli")
    config = mc.build(tmp / "company")
    cfg, store, first = published(config)
    mc.write_files(
        config.parent / "wiki", {"adr/0002-sparks.md": "# ADR 0002\n\nEvery deploy starts with a spark.\n"}
    )
    _, _, second = published(config)
    model = mc.train_on_main(cfg, store, tmp, "model")
    return {
        "config": config,
        "A": first["published"]["commit"],
        "B": second["published"]["commit"],
        "model": model,
    }


def _json(proc) -> dict:
    assert proc.returncode == EXIT_OK, proc.stderr
    return json.loads(proc.stdout)


def test_lineage_of_a_uri_names_commits_datasets_and_models(run_forge, project):
    out = _json(run_forge("lineage", "--uri", "adr/0002-sparks.md", "--config", project["config"], "--json"))
    assert out["found"] and out["in_main_head"]
    assert [c["commit"] for c in out["data_commits"]] == [project["B"]]
    assert [d["data_commit"] for d in out["datasets"]] == [project["B"]]
    assert [m["model"] for m in out["models"]] == [project["model"]["model"]]
    older = _json(run_forge("lineage", "--uri", "glossary.md", "--config", project["config"], "--json"))
    assert [c["commit"] for c in older["data_commits"]] == [project["A"], project["B"]]


def test_lineage_of_an_author_never_prints_the_email(run_forge, project):
    proc = run_forge("lineage", "--author", mc.JANE, "--config", project["config"], "--json")
    out = _json(proc)
    assert out["found"] and out["query"]["by"] == "author"
    assert mc.JANE not in proc.stdout + proc.stderr
    text = run_forge("lineage", "--author", mc.JANE, "--config", project["config"])
    assert text.returncode == EXIT_OK and "data_commits" in text.stdout and mc.JANE not in text.stdout


def test_lineage_of_something_never_seen_is_an_answer_not_an_error(run_forge, project):
    out = _json(run_forge("lineage", "--record", "0" * 32, "--config", project["config"], "--json"))
    assert out["found"] is False and out["data_commits"] == [] and out["models"] == []


def test_lineage_usage_and_config_errors(run_forge, project, tmp_path: Path):
    assert run_forge("lineage", "--config", project["config"]).returncode == EXIT_USAGE
    both = run_forge("lineage", "--uri", "a", "--author", "b", "--config", project["config"])
    assert both.returncode == EXIT_USAGE
    missing = run_forge("lineage", "--uri", "a", "--config", tmp_path / "nope.yaml")
    assert missing.returncode == EXIT_USAGE and "project file not found" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: []\n")
    assert run_forge("lineage", "--uri", "a", "--config", bad).returncode == EXIT_CONFIG
