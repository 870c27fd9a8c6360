"""Run configs: one per stage program, read from JSON or YAML, with unknown keys an error naming the key.

A stage's recipe is the matching section of forge.yaml (``forge_data.config``: ModelConfig,
CptConfig, SftConfig, ...) nested under the run config, so the Dagster asset that launches a
program writes ``RunConfig(..., model=cfg.training.model, stage=cfg.training.stages.cpt)`` to a
file and the program validates exactly what forge.yaml validated.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from forge_data.config import ConfigError, ModelConfig, _format_errors


class RunConfig(BaseModel):
    """What every stage program takes."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    output_dir: str = Field(description="Where the program writes everything; created if missing.")
    seed: int = 0
    device: Literal["auto", "cpu", "cuda"] = "auto"
    data_commit: str | None = Field(None, description="Version-store commit of the data; echoed in outputs.")

    @property
    def out(self) -> Path:
        return Path(self.output_dir)


class TrainRun(RunConfig):
    """What every training stage (CPT, SFT, and the preference stages built on them) takes."""

    train_file: str = Field(description="JSONL/Parquet rows from forge_data.datasets.")
    eval_file: str | None = Field(None, description="Held-out rows of the same shape.")
    init_from: str | None = Field(None, description="Model folder to continue (a previous stage's model/).")
    tokenizer_dir: str | None = Field(None, description="Tokenizer folder; default: the model's own.")
    model: ModelConfig = ModelConfig()
    resume: bool = Field(True, description="Continue from the newest complete checkpoint after a kill.")


C = TypeVar("C", bound=RunConfig)


def load_run_config(cls: type[C], path: str | Path) -> C:
    """Read ``path`` (.json, .yaml or .yml) into ``cls``; every problem is a ConfigError naming the field."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) if path.suffix.lower() in (".yaml", ".yml") else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as err:
        raise ConfigError(f"{path}: not valid {path.suffix.lstrip('.').upper() or 'JSON'}: {err}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return cls.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format_errors(err, str(path))) from None


def write_run_config(cfg: RunConfig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(cfg.model_dump_json(indent=2), encoding="utf-8")
    return path
