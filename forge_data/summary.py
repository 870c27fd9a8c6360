"""What a finished pipeline produced, read back from the state folder: counts per stage, the data
commit, the registered model and its evaluation. Shared by `forge run`, `forge demo` and `forge status`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forge_data.config import ForgeConfig
from forge_data.tables import read_json
from forge_data.workspace import Workspace


def _read(path: Path) -> dict[str, Any] | None:
    return read_json(path) if path.is_file() else None


def _pick(stats: dict[str, Any] | None, keys: list[str]) -> dict[str, Any] | None:
    if stats is None:
        return None
    return {k: stats[k] for k in keys if k in stats}


def pipeline_summary(cfg: ForgeConfig) -> dict[str, Any]:
    ws = Workspace(cfg.state_dir)
    stages: dict[str, Any] = {
        "ingest": {
            s.name: _pick(_read(ws.ingest_stats(s.name)), ["inputs", "records", "quarantined"])
            for s in cfg.sources
        },
        "filter": _pick(_read(ws.curate_stats("filtered")), ["inputs", "kept", "quarantined"]),
        "dedup": _pick(
            _read(ws.curate_stats("deduplicated")),
            ["inputs", "kept", "duplicates", "exact_duplicates", "near_duplicates", "duplicate_rate"],
        ),
        "redact": _pick(
            _read(ws.curate_stats("redacted")), ["records", "records_with_pii", "entities", "by_type"]
        ),
        "code_units": _pick(_read(ws.curate_stats("code_units")), ["units", "files", "syntax_error_rate"]),
    }
    staged = _read(ws.curate_stats("staged"))
    summary: dict[str, Any] = {
        "project": cfg.project.name,
        "state_dir": str(ws.root),
        "stages": stages,
        "accounting": staged["identity"] if staged else None,
        "staged_commit": staged["commit"] if staged else None,
        "data_commit": _published_commit(cfg),
    }
    summary.update(_model_summary(ws))
    summary["training"] = _training_figures(ws)
    return summary


def _published_commit(cfg: ForgeConfig) -> str | None:
    from forge_data.store import NotFound, StoreError
    from forge_data.store.factory import open_store

    try:
        store = open_store(cfg.store, cfg.resolve)
        return store.head(store.main)
    except (NotFound, StoreError, KeyError, OSError):
        return None


def _model_summary(ws: Workspace) -> dict[str, Any]:
    current = _read(ws.training("evaluate") / "current.json")
    evaluation = current["summary"] if current else None
    report = _read(Path(current["output_dir"]) / "eval.json") if current else None
    from forge_data.registry import list_models

    entries = list_models(ws.registry) if ws.registry.is_dir() else []
    latest = entries[-1] if entries else None
    return {
        "model_path": latest.path if latest else None,
        "model": latest.ref if latest else None,
        "model_data_commit": latest.data_commit if latest else None,
        "trained_model": report.get("model_dir") if report else None,
        "evaluation": evaluation,
    }


# Each trained stage's headline figure: its label, and where its {before, after} sits in the stage's summary.
HEADLINES = {
    "cpt": ("held-out perplexity", "heldout", "perplexity"),
    "sft": ("eval loss", "eval_loss", None),
    "dpo": ("preference accuracy", "preference", "reward_accuracy"),
}


def _training_figures(ws: Workspace) -> list[dict[str, Any]]:
    """Before and after figures of the last run of each trained stage, in recipe order, for `forge
    run`'s report (a list: summaries are written with sorted keys)."""
    out: list[dict[str, Any]] = []
    for stage in [*HEADLINES, "grpo"]:
        current = _read(ws.training(stage) / "current.json")
        if current:
            label, before, after = _headline(stage, current.get("summary") or {})
            if before is not None and after is not None:
                out.append({"stage": stage, "figure": label, "before": before, "after": after})
    return out


def _headline(stage: str, summary: dict[str, Any]) -> tuple[str, Any, Any]:
    if stage == "grpo":  # the sampled expected reward GRPO raises, when the stage measured it
        reward = summary.get("reward") or {}
        way = "sampled" if "sampled" in reward else "greedy"
        return (f"held-out reward ({way})", *_before_after(reward.get(way), "mean_reward"))
    label, section, key = HEADLINES[stage]
    return (label, *_before_after(summary.get(section), key))


def _before_after(section: dict[str, Any] | None, key: str | None) -> tuple[Any, Any]:
    before, after = (section or {}).get("before"), (section or {}).get("after")
    if key is None:
        return before, after
    return (before or {}).get(key), (after or {}).get(key)
