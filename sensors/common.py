"""What every Forge sensor shares: its JSON cursor, its run tags, and its on/off default from forge.yaml."""

import json
from typing import Any

import dagster as dg

from forge_data.config import SensorConfig
from forge_data.registry import RegistryEntry

# Run tags a steward can filter the run list by.
TRIGGER_TAG = (
    "forge/trigger"  # new-data | store-main | nightly | data-drift | eval-drift | deletion | schedule
)
CHANGE_TAG = "forge/change"  # one batch of source changes: its ingestion runs and the curation after them
CHANGE_KEYS_TAG = "forge/change_keys"  # the run keys of the batch's ingestion runs, comma-separated
RUN_KEY_TAG = "dagster/run_key"  # where Dagster keeps a run's run key


def load_cursor(text: str | None) -> dict[str, Any]:
    """The sensor's state; a missing or unreadable cursor starts afresh (run keys still prevent repeats)."""
    if not text:
        return {}
    try:
        state = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return state if isinstance(state, dict) else {}


def dump_cursor(state: dict[str, Any]) -> str:
    return json.dumps(state, sort_keys=True, separators=(",", ":"))


def default_status(cfg: SensorConfig) -> dg.DefaultSensorStatus:
    return dg.DefaultSensorStatus.RUNNING if cfg.enabled else dg.DefaultSensorStatus.STOPPED


def forge_sensor(name: str, job, settings: SensorConfig, description: str, *, enabled: bool = True):
    """``@dg.sensor`` for one job, its interval and on/off default taken from its forge.yaml section."""
    return dg.sensor(
        name=name,
        job=job,
        minimum_interval_seconds=settings.interval_s,
        default_status=default_status(settings) if enabled else dg.DefaultSensorStatus.STOPPED,
        description=description,
    )


def short(commit: str | None) -> str:
    return (commit or "none")[:12]


def version_number(entry: RegistryEntry) -> int:
    """``v12`` -> 12, so versions sort as numbers."""
    return int(entry.version[1:]) if entry.version[1:].isdigit() else -1
