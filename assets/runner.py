"""Materialize a project's whole pipeline on a persistent Dagster instance, as `forge run` does.

    python -m assets.runner --config forge.yaml [--summary out.json]

One run per source partition ingests it; one run of ``forge_pipeline`` does the rest. Runs land
in the instance at $DAGSTER_HOME (``<state_dir>/dagster`` by default), so `dagster dev` shows
them afterwards with all their metadata and check results.
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


def prepare_dagster_home(state_dir: Path) -> Path:
    """DAGSTER_HOME under the state folder, holding the repository's instance configuration."""
    home = Path(os.environ.get("DAGSTER_HOME") or state_dir / "dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists():
        shutil.copyfile(REPO_ROOT / "dagster.yaml", target)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _failures(result: Any) -> tuple[list[str], list[str]]:
    """(failed check names, failed steps), each said once (a failed blocking check also fails its step)."""
    import dagster as dg

    checks, steps = [], []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                key = evaluation.asset_check_key
                checks.append((f"{key.asset_key.to_python_identifier()}_{key.name}", key.name))
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            steps.append(event.step_key)
    check_steps = {step for step, _ in checks}
    return [name for _, name in checks], [s for s in steps if s not in check_steps]


def describe_failures(checks: list[str], steps: list[str], prefix: str = "") -> list[str]:
    return [f"{prefix}check {c} failed" for c in checks] + [f"{prefix}step {s} failed" for s in steps]


def run_pipeline(config_path: str | Path, instance: Any = None) -> dict[str, Any]:
    import dagster as dg

    from definitions import build_definitions
    from forge_data.config import load
    from forge_data.summary import pipeline_summary

    cfg = load(config_path)
    if instance is None:
        prepare_dagster_home(cfg.state_dir)
        instance = dg.DagsterInstance.get()
    defs = build_definitions(config_path)
    runs: list[dict[str, Any]] = []
    problems: list[str] = []
    failed: dict[str, list[str]] = {"checks": [], "steps": []}  # the same, by name, for callers to act on
    for source in cfg.sources:
        result = defs.resolve_job_def("ingest_sources").execute_in_process(
            instance=instance, partition_key=source.name, raise_on_error=False
        )
        runs.append(
            {"job": "ingest_sources", "partition": source.name, "run_id": result.run_id, "ok": result.success}
        )
        checks, steps = _failures(result)
        failed["checks"] += checks
        failed["steps"] += steps
        problems += describe_failures(checks, steps, f"ingest {source.name}: ")
    if not problems:
        result = defs.resolve_job_def("forge_pipeline").execute_in_process(
            instance=instance, raise_on_error=False
        )
        runs.append({"job": "forge_pipeline", "run_id": result.run_id, "ok": result.success})
        checks, steps = _failures(result)
        failed["checks"] += checks
        failed["steps"] += steps
        problems += describe_failures(checks, steps)
    summary = pipeline_summary(cfg)
    summary.update(
        ok=not problems and all(r["ok"] for r in runs), problems=problems, failed=failed, runs=runs
    )
    summary["dagster_home"] = os.environ.get("DAGSTER_HOME", str(instance.root_directory))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--summary", help="write the JSON summary to this file")
    args = parser.parse_args(argv)
    summary = run_pipeline(args.config)
    text = json.dumps(summary, indent=2, sort_keys=True, default=str)
    if args.summary:
        Path(args.summary).write_text(text)
    else:
        print(text)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
