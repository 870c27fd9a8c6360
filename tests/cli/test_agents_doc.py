"""docs/agents.md documents every command and every flag the CLI has (a new one fails here until it is)."""

import argparse
import json
import re

from forge_data.cli import build_parser
from forge_data.cli.common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from tests.conftest import REPO


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_command_and_flag_is_documented_for_agents():
    doc = (REPO / "docs" / "agents.md").read_text()
    sections = dict(re.findall(r"^## `forge (\w+)`\n(.*?)(?=^## |\Z)", doc, flags=re.S | re.M))
    missing = []
    for name, command in _commands().items():
        if name not in sections:
            missing.append(f"forge {name} (no section)")
            continue
        for action in command._actions:
            flags = [o for o in action.option_strings if o.startswith("--") and o not in ("--help", "--json")]
            for flag in flags:
                if f"`{flag}" not in sections[name]:
                    missing.append(f"forge {name} {flag}")
    assert not missing, f"docs/agents.md does not document: {', '.join(missing)}"


def test_the_documented_exit_codes_are_the_clis():
    doc = (REPO / "docs" / "agents.md").read_text()
    table = dict(re.findall(r"^\| (\d) \| ([^|]+) \|", doc, flags=re.M))
    assert set(table) == {str(c) for c in (EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CONFIG)}
    assert "success" in table[str(EXIT_OK)] and "invalid" in table[str(EXIT_CONFIG)]


def test_json_summaries_are_one_line_with_the_documented_keys(run_forge, tmp_path):
    result = run_forge("init", "a support assistant for our docs", "--out", tmp_path / "forge.yaml", "--json")
    assert result.returncode == EXIT_OK, result.stderr
    (line,) = result.stdout.splitlines()
    assert set(json.loads(line)) == {"written", "matched", "decisions", "next"}
    again = run_forge("init", "a support assistant", "--out", tmp_path / "forge.yaml", "--json")
    assert again.returncode == EXIT_USAGE and again.stdout == ""
    assert again.stderr.startswith("forge init: ") and len(again.stderr.strip().splitlines()) == 1
