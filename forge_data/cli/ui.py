"""forge ui: open the Dagster UI on a project's run history (bound to 127.0.0.1)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from forge_data.cli.common import CliError
from forge_data.config import load

ORDER = 90
REPO_ROOT = Path(__file__).resolve().parents[2]


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "ui",
        help="start the Dagster UI for a project",
        description="Start `dagster dev` on 127.0.0.1 with the project's run history (DAGSTER_HOME under its "
        "state folder). Stop it with Ctrl-C.",
    )
    p.add_argument("config", type=Path, nargs="?", default=Path("forge.yaml"))
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> None:
    cfg = load(args.config)
    home = cfg.state_dir / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    dagster = shutil.which("dagster") or str(Path(sys.executable).with_name("dagster"))
    if not Path(dagster).exists():
        raise CliError("the dagster command is not installed in this environment")
    env = dict(os.environ, DAGSTER_HOME=str(home), FORGE_CONFIG=str(args.config.resolve()))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    os.chdir(REPO_ROOT)
    os.execve(dagster, [dagster, "dev", "-m", "definitions", "-h", "127.0.0.1", "-p", str(args.port)], env)
