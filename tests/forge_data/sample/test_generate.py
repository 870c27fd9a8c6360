"""Determinism, volume and arguments of generate_sample_company."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from forge_data.config import load
from forge_data.sample import SampleManifest, generate_sample_company
from tests.conftest import forge_env

from .conftest import tree_hashes


def git_log(repo) -> list[str]:
    out = subprocess.run(
        ["git", "log", "--format=%H %an <%ae> %aI %cI %s"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.splitlines()


def test_same_seed_gives_identical_files_and_commits(sample, tmp_path):
    again = generate_sample_company(tmp_path / "again", seed=7)
    first, second = tree_hashes(sample.path(".")), tree_hashes(again.path("."))
    assert first == second
    assert git_log(sample.path("repo")) == git_log(again.path("repo"))
    assert sample.git == again.git
    assert sample.to_dict() == again.to_dict()


def test_other_seed_gives_other_content(sample, tmp_path):
    other = generate_sample_company(tmp_path / "other", seed=8)
    assert other.git["head"] != sample.git["head"]
    first, second = tree_hashes(sample.path(".")), tree_hashes(other.path("."))
    changed = [p for p in first if first[p] != second.get(p)]
    assert len(changed) > 0.6 * len(first)
    assert other.values("pii") != sample.values("pii")


def test_manifest_round_trips_and_lists_every_file(sample):
    loaded = SampleManifest.load(sample.path("manifest.json"))
    assert loaded == sample
    on_disk = tree_hashes(sample.path("."))
    on_disk.pop("manifest.json")
    assert sample.files == on_disk
    for key, rel in sample.paths.items():
        assert sample.path(rel).exists(), key


def test_scale_one_is_demo_sized(sample):
    c = sample.counts
    assert 40 <= c["code_files"] <= 80
    pages = c["wiki_markdown_pages"] + c["wiki_html_pages"] + c["mediawiki_pages"] + c["docx_files"]
    assert 30 <= pages <= 80
    assert 300 <= c["slack_messages"] <= 800
    assert 30 <= c["emails"] <= 60
    assert 500_000 <= c["text_bytes"] <= 1_500_000
    assert c["commits"] >= 5


def test_scale_multiplies_volume(sample, tmp_path):
    big = generate_sample_company(tmp_path / "big", seed=7, scale=2).counts
    for key in ("code_files", "wiki_markdown_pages", "slack_messages", "emails", "text_bytes"):
        assert big[key] > sample.counts[key], key


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_sample_company(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("scale", [0, -1, 1.5])
def test_rejects_bad_scale(tmp_path, scale):
    with pytest.raises(ValueError):
        generate_sample_company(tmp_path / "x", scale=scale)


def test_command_line_generates_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "acme"
    cmd = [sys.executable, "-m", "forge_data.sample", str(out), "--seed", "3", "--project"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=forge_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["head"] == SampleManifest.load(out).git["head"]
    assert load(out / "forge.yaml").source("mail").kind == "chat"
    again = subprocess.run(cmd, capture_output=True, text=True, env=forge_env(), timeout=120)
    assert again.returncode == 2 and "not an empty folder" in again.stderr
