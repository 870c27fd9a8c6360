import json


def test_help_lists_commands(run_forge):
    result = run_forge("--help")
    assert result.returncode == 0
    for command in ["demo", "run", "ui"]:
        assert command in result.stdout


def test_every_command_has_help_and_json(run_forge):
    from forge_data.cli import _command_modules

    for module in _command_modules():
        name = module.__name__.rsplit(".", 1)[-1]
        result = run_forge(name, "--help")
        assert result.returncode == 0, name
        assert "--json" in result.stdout, name


def test_run_with_missing_project_file_is_a_one_line_usage_error(run_forge, tmp_path):
    result = run_forge("run", tmp_path / "missing.yaml", "--json")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "project file not found" in result.stderr
    assert result.stdout == ""


def test_run_with_invalid_project_file_names_the_field(run_forge, tmp_path):
    bad = tmp_path / "forge.yaml"
    bad.write_text(json.dumps({"sources": [{"name": "x", "kind": "ftp", "path": "p"}]}))
    result = run_forge("run", bad)
    assert result.returncode == 3
    assert "sources.0.kind" in result.stderr
