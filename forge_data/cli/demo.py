"""forge demo: generate the sample company, write its forge.yaml, run everything, print a summary."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from forge_data.cli._pipeline import run_pipeline
from forge_data.cli._report import render
from forge_data.cli.common import CliError

ORDER = 10
# The checks that guard registration of the demo's model. The model is tiny and trained for minutes on
# a CPU, so the 95 % acceptance gate may block it: that is the gate doing its job, shown as such.
MODEL_GATES = {"acceptance_gate", "no_memorized_canaries"}


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "demo",
        help="run the whole pipeline on a generated sample company",
        description="Generate a sample company (a git repository, a wiki, Slack and mail exports) into "
        "WORKDIR/sample (or reuse the one there), write WORKDIR/forge.yaml, materialize every asset "
        "and print what came out.",
    )
    p.add_argument("--workdir", type=Path, default=Path(".forge/demo"), help="default: .forge/demo")
    p.add_argument("--seed", type=int, default=7, help="the sample company's seed (default 7)")
    p.add_argument("--fresh", action="store_true", help="delete WORKDIR first")
    p.add_argument("--quiet", action="store_true", help="do not stream the pipeline's log to stderr")
    p.set_defaults(func=run, report=render)
    return p


def run(args: argparse.Namespace) -> dict:
    from forge_data.sample import write_project_file

    workdir = args.workdir.resolve()
    if args.fresh and workdir.exists():
        shutil.rmtree(workdir)
    config = write_project_file(sample_in(workdir, args.seed), workdir / "forge.yaml")
    summary = demo_outcome(run_pipeline(config, quiet=args.quiet))
    summary["project_file"] = str(config)
    summary["open_the_ui"] = f"forge ui {config}   # then browse http://127.0.0.1:3000"
    return summary


def sample_in(workdir: Path, seed: int):
    """The sample company in ``workdir/sample``: generated on the first run, reused on the next ones
    (the pipeline then runs incrementally on the state it left), refused if it has another seed."""
    from forge_data.sample import SampleManifest, generate_sample_company

    folder = workdir / "sample"
    if not (folder / "manifest.json").is_file():
        return generate_sample_company(folder, seed=seed)
    manifest = SampleManifest.load(folder)
    if manifest.seed != seed:
        raise CliError(
            f"{workdir} holds the sample company of seed {manifest.seed}, not {seed}: "
            "pass --fresh to start over, or another --workdir"
        )
    return manifest


def demo_outcome(summary: dict) -> dict:
    """``forge run`` fails when any blocking check fails. The demo succeeds when every data and
    training step ran and only the model gates refused to register the model: what it shows then
    is the gate at work, and it says so. Any other problem still fails the demo."""
    failed = summary.get("failed") or {}
    checks, steps = failed.get("checks") or [], failed.get("steps") or []
    if summary.get("ok") is False and checks and set(checks) <= MODEL_GATES and not steps:
        summary = dict(summary, ok=True, pipeline_ok=False)
        summary["gate_note"] = (
            "the pipeline ran end to end; the evaluation gate kept the demo's tiny CPU-trained model out "
            "of the registry (forge run exits 1 in this case)"
        )
    return summary
