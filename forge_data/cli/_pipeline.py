"""Launch the Dagster pipeline for a project file in its own process.

The library stays free of Dagster: the orchestrated run happens in ``python -m assets.runner``,
whose log goes to stderr while the summary comes back as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from forge_data.cli.common import EXIT_FAILED, CliError

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_pipeline(config_path: Path, *, quiet: bool = False) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="forge-run-") as tmp:
        summary_path = Path(tmp) / "summary.json"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "assets.runner",
                "--config",
                str(config_path),
                "--summary",
                str(summary_path),
            ],
            env=env,
            stdout=subprocess.DEVNULL if quiet else sys.stderr,
            stderr=subprocess.DEVNULL if quiet else sys.stderr,
        )
        if not summary_path.is_file():
            raise CliError(
                f"the pipeline process exited with status {proc.returncode} before finishing", EXIT_FAILED
            )
        return json.loads(summary_path.read_text())
