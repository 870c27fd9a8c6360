"""Register a trained model: an HF folder in the registry, a model card naming its data commit, and a
tag on that commit in the version store so the released dataset can always be read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forge_data.config import ForgeConfig
from forge_data.rewards import Scorecard
from forge_data.steps.datasets import current
from forge_data.store import VersionStore
from forge_data.store.base import StoreError
from forge_data.workspace import Workspace


def recipe_of(cfg: ForgeConfig) -> dict[str, Any]:
    t = cfg.training
    return {
        "config_hash": cfg.fingerprint(),
        "tokenizer": t.tokenizer.model_dump(mode="json"),
        "model": t.model.model_dump(mode="json"),
        "stages": {k: v for k, v in t.stages.model_dump(mode="json").items() if v.get("enabled", True)},
        "scorecard_version": cfg.scorecard.version,
        "scorecard_digest": Scorecard(cfg.scorecard).digest,
        "seed": t.seed,
    }


def register(
    cfg: ForgeConfig,
    ws: Workspace,
    store: VersionStore,
    model_dir: Path,
    metrics: dict[str, Any],
    lineage: dict[str, Any],
) -> dict[str, Any]:
    from forge_data.registry import register_model

    datasets = current(ws)
    commit = datasets["data_commit"]
    entry = register_model(
        model_dir,
        ws.registry,
        name=cfg.project.name,
        data_commit=commit,
        recipe=recipe_of(cfg),
        metrics=metrics,
        lineage={**lineage, "datasets": datasets["folder"], "dataset_records": datasets["records"]},
    )
    tag = f"{entry.name}-{entry.version}"
    try:
        store.create_tag(tag, commit)
    except StoreError as err:  # the model is registered either way; say why the tag is missing
        tag = f"(not tagged: {err})"
    return {
        "model": entry.ref,
        "path": entry.path,
        "card": str(Path(entry.path) / "README.md"),
        "data_commit": commit,
        "dataset_tag": tag,
    }
