"""forge demo: generate the sample company, write its forge.yaml, run everything, print a summary."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from forge_data.cli._pipeline import run_pipeline
from forge_data.cli._report import render

ORDER = 10


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "demo",
        help="run the whole pipeline on a generated sample company",
        description="Generate a sample company (a git repository, a wiki, Slack and mail exports) into "
        "WORKDIR/sample, write WORKDIR/forge.yaml, materialize every asset and print what came out.",
    )
    p.add_argument("--workdir", type=Path, default=Path(".forge/demo"), help="default: .forge/demo")
    p.add_argument("--seed", type=int, default=7, help="the sample company's seed (default 7)")
    p.add_argument("--fresh", action="store_true", help="delete WORKDIR first")
    p.add_argument("--quiet", action="store_true", help="do not stream the pipeline's log to stderr")
    p.set_defaults(func=run, report=render)
    return p


def run(args: argparse.Namespace) -> dict:
    from forge_data.sample import generate_sample_company, write_project_file

    workdir = args.workdir.resolve()
    if args.fresh and workdir.exists():
        shutil.rmtree(workdir)
    manifest = generate_sample_company(workdir / "sample", seed=args.seed)
    config = write_project_file(manifest, workdir / "forge.yaml")
    summary = run_pipeline(config, quiet=args.quiet)
    summary["project_file"] = str(config)
    summary["open_the_ui"] = f"forge ui {config}   # then browse http://127.0.0.1:3000"
    return summary
