"""Evaluate group: the registration of a model that passed its evaluation gate."""

import dagster as dg

from assets.resources import ForgeProject, VersionStoreResource
from forge_data.steps import datasets as dataset_step
from forge_data.steps.register import register
from forge_data.tables import read_json
from training import recipe


@dg.asset(
    group_name="evaluate",
    deps=["model_evaluation"],
    owners=["team:ml"],
    kinds={"python", "huggingface"},
    description="The evaluated model copied into the registry in HF format (safetensors, tokenizer, config) with a "
    "model card naming its data commit, recipe and metrics; the data commit is tagged in the version store. "
    "Runs only when the evaluation gate passed.",
)
def registered_model(project: ForgeProject, store: VersionStoreResource) -> dg.MaterializeResult:
    cfg, ws = project.config(), project.workspace()
    stages = recipe.plan(cfg, dataset_step.current(ws), ws.root / "training")
    final = recipe.trained_stages(stages)[-1]
    evaluation = recipe.stage(stages, "evaluate")
    metrics = read_json(evaluation.output_dir / "summary.json")
    lineage = {s.name: str(s.output_dir) for s in stages}
    entry = register(cfg, ws, store.open(), final.model_dir, metrics, lineage)
    return dg.MaterializeResult(
        metadata={
            "model": entry["model"],
            "path": dg.MetadataValue.path(entry["path"]),
            "model_card": dg.MetadataValue.path(entry["card"]),
            "data_commit": entry["data_commit"],
            "dataset_tag": entry["dataset_tag"],
        }
    )
