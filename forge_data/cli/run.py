"""forge run: materialize the whole pipeline for a project file."""

from __future__ import annotations

import argparse
from pathlib import Path

from forge_data.cli._pipeline import run_pipeline
from forge_data.cli._report import render
from forge_data.cli.common import CliError
from forge_data.config import load

ORDER = 20


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "run",
        help="materialize the pipeline for a project file",
        description="Ingest every source, curate, publish to the version store, train, evaluate and register, "
        "as Dagster runs recorded in <state_dir>/dagster. Exit 1 when a stage or a blocking check fails.",
    )
    p.add_argument("config", type=Path, help="the project file (forge.yaml)")
    p.add_argument("--quiet", action="store_true", help="do not stream the pipeline's log to stderr")
    p.set_defaults(func=run, report=render)
    return p


def run(args: argparse.Namespace) -> dict:
    if not args.config.is_file():
        raise CliError(f"{args.config}: project file not found")
    load(args.config)  # a bad project file fails here, with the field named, before anything runs
    return run_pipeline(args.config.resolve(), quiet=args.quiet)
