"""Train group: datasets from the published data commit, then the recipe's stage programs in order.

Each training asset launches its ``training/`` program through Dagster Pipes (outside this
process), which streams progress to the run's log and reports loss, tokens/s and held-out figures
as the asset's metadata. Training assets share the "gpu" pool: one at a time on a machine.
"""

from typing import Any

import dagster as dg

from assets import metadata as md
from assets.resources import ForgeProject, TrainingLauncher, VersionStoreResource
from forge_data.steps import datasets as dataset_step
from forge_data.tables import read_json, write_json
from training import recipe

OWNERS = ["team:ml"]
ASSET_NAMES = {
    "tokenizer": "tokenizer",
    "cpt": "cpt_model",
    "sft": "sft_model",
    "dpo": "dpo_model",
    "grpo": "rl_model",
    "evaluate": "model_evaluation",
}


@dg.asset(
    group_name="train",
    deps=["published_dataset"],
    owners=OWNERS,
    kinds={"python", "parquet"},
    description="Training datasets from the published data commit: packed-text CPT documents mixed by kind with a "
    "stable held-out split, and SFT conversations from chat threads and doc sections.",
)
def training_datasets(project: ForgeProject, store: VersionStoreResource) -> dg.MaterializeResult:
    info = dataset_step.build(project.config(), project.workspace(), store.open())
    cpt, sft = info["cpt"], info["sft"]
    return dg.MaterializeResult(
        metadata={
            "data_commit": info["data_commit"],
            "records": info["records"],
            "cpt_train_documents": len(_lines(info["paths"]["cpt_train"])),
            "cpt_heldout_documents": len(_lines(info["paths"]["cpt_eval"])),
            "sft_train_conversations": sft.get("train_conversations", 0),
            "sft_eval_conversations": sft.get("eval_conversations", 0),
            "cpt_mix": md.md_table(
                [{"kind": k, **v} for k, v in cpt.get("per_kind", {}).items()]
                if isinstance(cpt.get("per_kind"), dict)
                else []
            ),
            "folder": dg.MetadataValue.path(info["folder"]),
        }
    )


def _lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line for line in fh if line.strip()]


def run_stage(
    context: dg.AssetExecutionContext, project: ForgeProject, trainer: TrainingLauncher, name: str
) -> dg.MaterializeResult:
    cfg, ws = project.config(), project.workspace()
    data = dataset_step.current(ws)
    step = recipe.stage(recipe.plan(cfg, data, ws.root / "training"), name)
    result = trainer.launch(context, step.module, step.config, step.output_dir)
    summary_path = step.output_dir / "summary.json"
    summary = read_json(summary_path) if summary_path.is_file() else {}
    write_json(
        {"output_dir": str(step.output_dir), "data_commit": data["data_commit"], "summary": summary},
        ws.training(name) / "current.json",
    )
    extra: dict[str, Any] = {
        "data_commit": data["data_commit"],
        "output_dir": dg.MetadataValue.path(str(step.output_dir)),
    }
    history = step.output_dir / "log_history.jsonl"
    if history.is_file():
        extra["loss_curve"] = md.loss_curve(history)
    if name == "evaluate" and summary:
        extra["evaluation"] = md.eval_table(summary)
    return dg.MaterializeResult(metadata={**(result.metadata or {}), **extra})


def _stage_asset(name: str, upstream: str, description: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=ASSET_NAMES[name],
        group_name="evaluate" if name == "evaluate" else "train",
        deps=[upstream],
        owners=OWNERS,
        kinds={"python", "pytorch"} if name != "tokenizer" else {"python", "huggingface"},
        pool="gpu",
        description=description,
    )
    def _asset(context: dg.AssetExecutionContext, project: ForgeProject, trainer: TrainingLauncher):
        return run_stage(context, project, trainer, name)

    return _asset


def build_training_assets(stage_plans: list[recipe.StagePlan]) -> list[dg.AssetsDefinition]:
    """One asset per enabled stage, each depending on the one before it."""
    assets, upstream = [], training_datasets.key.to_user_string()
    for step in stage_plans:
        assets.append(_stage_asset(step.name, upstream, step.description))
        upstream = ASSET_NAMES[step.name]
    return assets
