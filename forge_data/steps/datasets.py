"""Build the training datasets from one published data commit.

Everything downstream names that commit: the datasets folder is keyed by it, and the training
programs echo it into their summaries, so a model card can say exactly which data it saw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forge_data.config import ForgeConfig
from forge_data.steps import publish
from forge_data.store import VersionStore
from forge_data.tables import read_json, write_json
from forge_data.workspace import Workspace

CURRENT = "current.json"


def build(cfg: ForgeConfig, ws: Workspace, store: VersionStore) -> dict[str, Any]:
    from forge_data.datasets import build_cpt_corpus, build_sft_conversations, write_dataset

    commit = store.head(store.main)
    records = publish.read_records(store, commit)
    if records.num_rows == 0:
        raise ValueError(f"data commit {commit[:12]} holds no curated records: nothing to train on")
    training = cfg.training
    cpt = build_cpt_corpus(
        records,
        mix=training.stages.cpt.mix,
        holdout_fraction=training.eval.holdout_fraction,
        seed=training.seed,
    )
    sft = build_sft_conversations(records, holdout_fraction=training.eval.holdout_fraction)
    out = ws.datasets(commit)
    paths = {
        "cpt_train": write_dataset(cpt.train, out / "cpt_train.jsonl"),
        "cpt_eval": write_dataset(cpt.eval, out / "cpt_eval.jsonl"),
        "sft_train": write_dataset(sft.train, out / "sft_train.jsonl"),
        "sft_eval": write_dataset(sft.eval, out / "sft_eval.jsonl"),
    }
    info = {
        "data_commit": commit,
        "folder": str(out),
        "paths": {k: str(v) for k, v in paths.items()},
        "cpt": cpt.stats,
        "sft": sft.stats,
        "records": records.num_rows,
    }
    write_json(info, out / "datasets.json")
    write_json(info, out.parent / CURRENT)
    return info


def current(ws: Workspace) -> dict[str, Any]:
    """The datasets the last ``build`` wrote (and the data commit they came from)."""
    path = ws.root / "datasets" / CURRENT
    if not path.is_file():
        raise FileNotFoundError("no training datasets yet: materialize training_datasets first")
    return read_json(path)


def dataset_path(ws: Workspace, name: str) -> Path:
    return Path(current(ws)["paths"][name])
