"""The Forge code location: assets, checks, jobs, sensors, schedules and resources, wired from a project file.

    FORGE_CONFIG=path/to/forge.yaml dagster dev -m definitions -h 127.0.0.1

The project file is read when the code location loads (it names the sources, which are the ingest
partitions); edit it and reload the code location to pick up changes.
"""

import os
from pathlib import Path

import dagster as dg

from assets import curate, evaluate, version
from assets.executors import executor_from_env
from assets.ingest import build_ingest_assets
from assets.resources import ForgeProject, LocalTrainingLauncher, store_resource_for
from assets.train import build_training_assets, training_datasets
from forge_data.config import load
from quality.dataset_checks import DATASET_CHECKS
from quality.model_checks import MODEL_CHECKS
from sensors import build_schedules, build_sensors
from training import recipe

DEFAULT_CONFIG = "forge.yaml"

PIPELINE_GROUPS = ["curate", "version", "train", "evaluate"]

# Runs that train carry this tag; deploy/dagster.postgres.yaml queues them one at a time.
GPU_TAGS = {"forge/gpu": "train"}


def config_path_from_env() -> Path:
    return Path(os.environ.get("FORGE_CONFIG", DEFAULT_CONFIG)).resolve()


def retraining_jobs(asset_names: set[str]) -> list:
    """What the keep-current sensors launch. Both select by group or by the RL asset's name, so
    stages added to the recipe are picked up without touching this."""
    training = dg.AssetSelection.groups("train", "evaluate")
    rl = dg.AssetSelection.assets("rl_model").downstream() if "rl_model" in asset_names else training
    return [
        dg.define_asset_job(
            "retrain",
            selection=training,
            description="Retrain on main's head: datasets, tokenizer, continued pretraining through RL, "
            "evaluation and registration (data drift, stale models, the retraining schedule).",
            tags=GPU_TAGS,
        ),
        dg.define_asset_job(
            "rl_retrain",
            selection=rl,
            description="RL on the recipe's prompts plus the failing production prompts in "
            "<state_dir>/feedback/failing_cases.jsonl, then evaluation and registration (eval drift). "
            "The whole recipe while it has no RL stage.",
            tags=GPU_TAGS,
        ),
    ]


def build_definitions(config_path: str | Path) -> dg.Definitions:
    """The code location for one project file; FORGE_EXECUTOR picks the executor (assets/executors.py)."""
    cfg = load(config_path)
    ingest_assets = build_ingest_assets([s.name for s in cfg.sources])
    assets = [
        *ingest_assets,
        *dg.load_assets_from_modules([curate, version]),
    ]
    if cfg.training.enabled:
        stages = recipe.plan(cfg, recipe.PLACEHOLDER_DATASETS, cfg.state_dir / "training")
        assets += [training_datasets, *build_training_assets(stages), evaluate.registered_model]
    pipeline = dg.AssetSelection.groups(*PIPELINE_GROUPS)
    jobs = [
        dg.define_asset_job(
            "ingest_sources",
            selection=dg.AssetSelection.groups("ingest"),
            description="Ingest one source (one partition per configured source).",
        ),
        dg.define_asset_job(
            "curate_and_publish",
            selection=dg.AssetSelection.groups("curate", "version"),
            description="Filter, deduplicate, redact and cut code units; stage on a run branch; audit; merge to main.",
            tags={"forge/pipeline": "curate"},
        ),
        dg.define_asset_job(
            "forge_pipeline",
            selection=pipeline,
            description="Everything after ingestion: curation, publishing, training, evaluation, registration.",
            tags={"forge/pipeline": "curate", **(GPU_TAGS if cfg.training.enabled else {})},
        ),
    ]
    if cfg.training.enabled:
        jobs += retraining_jobs({k.to_user_string() for a in assets for k in a.keys})
    by_name = {job.name: job for job in jobs}
    return dg.Definitions(
        assets=assets,
        asset_checks=DATASET_CHECKS + (MODEL_CHECKS if cfg.training.enabled else []),
        jobs=jobs,
        sensors=build_sensors(cfg, by_name),
        schedules=build_schedules(cfg, by_name),
        executor=executor_from_env(),
        resources={
            "project": ForgeProject(config_path=str(Path(config_path).resolve())),
            "store": store_resource_for(cfg),
            "trainer": LocalTrainingLauncher(),
        },
    )


def job_for(config_path: str, job_name: str) -> dg.JobDefinition:
    """One job of a project's code location; the target of ``dg.build_reconstructable_job``, which is
    how a process outside ``dagster dev`` starts runs whose steps other processes (Celery workers)
    load again."""
    return build_definitions(config_path).resolve_job_def(job_name)


def _defs_or_placeholder() -> dg.Definitions:
    path = config_path_from_env()
    if not path.is_file():
        # Loading the code location without a project must not crash the UI; it explains instead.
        @dg.asset(
            group_name="setup",
            description=f"No project file at {path}. Set FORGE_CONFIG or run `forge demo` / `forge init`.",
        )
        def project_file_missing() -> None:
            raise dg.Failure(f"No project file at {path}; set FORGE_CONFIG.")

        return dg.Definitions(assets=[project_file_missing])
    return build_definitions(path)


defs = _defs_or_placeholder()
