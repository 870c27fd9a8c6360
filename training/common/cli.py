"""The one entry point every stage program shares: ``python -m training.<stage> --config cfg.json``.

It reads and validates the config, runs the stage, writes ``<output_dir>/summary.json``, prints
the same summary as the last line on stdout (one JSON object) and hands it to the Reporter
(Dagster Pipes materialization metadata when launched by Dagster). Exit codes follow the
``forge`` CLI: 0 ok, 1 the stage failed, 2 bad input (a missing or malformed file), 3 bad config.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from forge_data.cli.common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError
from forge_data.config import ConfigError
from forge_data.tables import RowsFileError
from training.common.config import C, load_run_config
from training.common.reporter import Reporter
from training.common.runtime import is_main_process, keep_freed_memory


class StageError(Exception):
    """Input a stage cannot use (a missing file, an empty dataset, a config that contradicts the data)."""


def run_stage(stage: str, cfg: C, run: Callable[[C, Reporter], dict[str, Any]], reporter: Reporter) -> dict:
    """Run one stage and wrap its figures in the summary every program returns."""
    started = time.perf_counter()
    cfg.out.mkdir(parents=True, exist_ok=True)
    figures = run(cfg, reporter)
    summary = {
        "stage": stage,
        "ok": True,
        "output_dir": str(cfg.out),
        "data_commit": cfg.data_commit,
        "seconds": round(time.perf_counter() - started, 2),
        **figures,
    }
    if is_main_process():
        (cfg.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    return summary


def main(stage: str, config_cls: type[C], run: Callable[[C, Reporter], dict[str, Any]], argv=None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m training.{stage}", description=f"Forge {stage} stage.")
    parser.add_argument("--config", required=True, help="JSON or YAML file with the stage's run config")
    args = parser.parse_args(argv)
    try:
        cfg = load_run_config(config_cls, args.config)
    except ConfigError as err:
        print(f"training.{stage}: invalid config: {err}", file=sys.stderr)
        return EXIT_CONFIG

    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # shard-writing bars would bury the figures in the logs
    keep_freed_memory()
    reporter = Reporter(stage)
    try:
        summary = run_stage(stage, cfg, run, reporter)
    except (StageError, CliError, RowsFileError, FileNotFoundError) as err:
        print(f"training.{stage}: {err}", file=sys.stderr)
        reporter.close(err)
        return EXIT_USAGE
    except Exception as err:
        traceback.print_exc()
        reporter.close(err)
        return EXIT_FAILED
    reporter.finish(summary)
    if is_main_process():
        print(json.dumps(summary, sort_keys=True, default=str), flush=True)
    return EXIT_OK
