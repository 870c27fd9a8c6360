"""Where a stage's figures go: to Dagster through Pipes when Dagster launched the program, else to stderr.

Under Dagster Pipes (a subprocess, a Kubernetes pod or a torchrun job started by
``PipesSubprocessClient`` and friends):

* every progress report becomes a log line (``context.log.info``) and a custom message
  ``{"stage", "event": "progress", **metrics}`` the asset can read with ``get_custom_messages()``;
* the final summary becomes the asset's materialization metadata (flattened: nested dicts are
  joined with dots, lists stay JSON) — or a custom message ``{"event": "summary"}`` when no
  asset is in scope.

Only the main process (rank 0) reports; other ranks stay silent. Outside Dagster the same
reports are JSON lines on stderr, keeping stdout for the final summary line.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from typing import Any

from transformers import TrainerCallback

from forge_data.registry import flatten
from training.common.runtime import is_main_process


def launched_by_dagster() -> bool:
    try:
        from dagster_pipes import PipesEnvVarParamsLoader
    except ImportError:  # dagster-pipes is optional for the programs
        return False
    return PipesEnvVarParamsLoader().is_dagster_pipes_process()


class Reporter:
    def __init__(self, stage: str, stream=None):
        self.stage = stage
        self.stream = stream or sys.stderr
        self.pipes = None
        if is_main_process() and launched_by_dagster():
            from dagster_pipes import open_dagster_pipes

            self.pipes = open_dagster_pipes()

    def log(self, message: str) -> None:
        if not is_main_process():
            return
        if self.pipes is not None:
            self.pipes.log.info(message)
        else:
            print(f"[{self.stage}] {message}", file=self.stream, flush=True)

    def progress(self, metrics: Mapping[str, Any]) -> None:
        if not is_main_process():
            return
        payload = {"stage": self.stage, "event": "progress", **metrics}
        if self.pipes is not None:
            self.pipes.log.info(json.dumps(payload, default=str))
            self.pipes.report_custom_message(payload)
        else:
            print(json.dumps(payload, default=str), file=self.stream, flush=True)

    def finish(self, summary: Mapping[str, Any]) -> None:
        """Send the final summary (once) and close the Pipes connection."""
        if self.pipes is None:
            return
        metadata = {k: v for k, v in flatten(summary).items() if v is not None}
        if self.pipes.is_asset_step:
            self.pipes.report_asset_materialization(metadata=metadata)
        else:
            self.pipes.report_custom_message({"stage": self.stage, "event": "summary", **metadata})
        self.close()

    def close(self, error: BaseException | None = None) -> None:
        if self.pipes is None:
            return
        if error is not None:
            self.pipes.log.error(f"{self.stage} failed: {type(error).__name__}: {error}")
        self.pipes.close()
        self.pipes = None


class MetricsCallback(TrainerCallback):
    """Forwards the trainer's logs (loss, learning rate, grad norm, ...) plus tokens/s to a Reporter.

    Tokens come from TRL's ``num_tokens`` log entry when present, else the trainer's
    ``num_input_tokens_seen``; the rate is measured between two logs, so it excludes start-up.
    """

    def __init__(self, reporter: Reporter):
        self.reporter = reporter
        self._last: tuple[float, int] | None = None
        self.history: list[dict[str, Any]] = []

    def on_train_begin(self, args, state, control, **kwargs):
        self._last = None

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = dict(logs or {})
        tokens = int(logs.get("num_tokens") or state.num_input_tokens_seen or 0)
        now = time.perf_counter()
        record = {"step": state.global_step, **{k: _round(v) for k, v in logs.items()}}
        if self._last is not None and tokens > self._last[1]:
            record["tokens_per_s"] = round((tokens - self._last[1]) / (now - self._last[0]), 1)
        self._last = (now, tokens)
        self.history.append(record)
        self.reporter.progress(record)


def _round(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value
