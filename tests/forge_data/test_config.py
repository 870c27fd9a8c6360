from pathlib import Path

import pytest

from forge_data.config import ConfigError, load, parse

MINIMAL = {"sources": [{"name": "code", "kind": "git", "path": "repo"}]}


def test_minimal_project_gets_defaults_and_resolves_paths(tmp_path: Path):
    cfg = parse(MINIMAL, base_dir=tmp_path)
    assert cfg.curation.dedup.threshold == 0.8
    assert cfg.store.backend == "embedded"
    assert cfg.resolve("repo") == tmp_path / "repo"
    assert cfg.resolve("file:///abs/repo") == Path("/abs/repo")
    assert cfg.state_dir == tmp_path / "state"


def test_errors_name_the_bad_field(tmp_path: Path):
    bad = {"sources": MINIMAL["sources"], "curation": {"dedup": {"threshold": 1.5}}}
    with pytest.raises(ConfigError, match=r"curation\.dedup\.threshold"):
        parse(bad)
    with pytest.raises(ConfigError, match=r"curation\.dedup\.treshold"):
        parse({"sources": MINIMAL["sources"], "curation": {"dedup": {"treshold": 0.7}}})
    with pytest.raises(ConfigError, match=r"sources\.0\.kind"):
        parse({"sources": [{"name": "x", "kind": "ftp", "path": "p"}]})


def test_semantic_rules(tmp_path: Path):
    twice = {"sources": MINIMAL["sources"] * 2}
    with pytest.raises(ConfigError, match="unique"):
        parse(twice)
    with pytest.raises(ConfigError, match="ref"):
        parse({"sources": [{"name": "w", "kind": "wiki", "path": "p", "ref": "main"}]})
    with pytest.raises(ConfigError, match="divisible"):
        parse({**MINIMAL, "training": {"model": {"hidden_size": 100, "num_heads": 3}}})


def test_load_reports_missing_file_and_bad_yaml(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load(tmp_path / "nope.yaml")
    bad = tmp_path / "forge.yaml"
    bad.write_text("sources: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load(bad)


def test_fingerprint_tracks_settings_not_location(tmp_path: Path):
    a = parse(MINIMAL, base_dir=tmp_path / "a")
    b = parse(MINIMAL, base_dir=tmp_path / "b")
    c = parse({**MINIMAL, "curation": {"dedup": {"threshold": 0.7}}}, base_dir=tmp_path)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
