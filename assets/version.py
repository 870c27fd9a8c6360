"""Version group: write the curated dataset to a run branch, audit it (quality/), publish to main."""

import dagster as dg

from assets import metadata as md
from assets.resources import ForgeProject, VersionStoreResource
from forge_data.steps import publish

OWNERS = ["team:data-stewards"]


@dg.asset(
    group_name="version",
    deps=["code_units"],
    owners=OWNERS,
    kinds={"python", "parquet", "lakefs"},
    description=(
        "The curated dataset written to this run's own branch of the version store and committed with its "
        "run id, config hash, code version and counts. Blocking checks audit this branch before publishing."
    ),
)
def staged_dataset(
    context: dg.AssetExecutionContext, project: ForgeProject, store: VersionStoreResource
) -> dg.MaterializeResult:
    stats = publish.stage(project.config(), project.workspace(), store.open(), context.run_id)
    return dg.MaterializeResult(
        metadata={
            **md.accounting(stats),
            "branch": stats["branch"],
            "commit": stats["commit"],
            "config_hash": stats["config_hash"],
            "code_version": stats["code_version"],
            "code_units": stats["code_units"],
            "inputs_by_source": md.counts(stats["sources"], "source"),
            "mode": stats["run"]["mode"],
            "this_run": dg.MetadataValue.md(
                ("✅ " if stats["run"]["balanced"] else "❌ ") + stats["run"]["identity"]
            ),
        }
    )


@dg.asset(
    group_name="version",
    deps=[staged_dataset],
    owners=OWNERS,
    kinds={"python", "lakefs"},
    description=(
        "The audited run branch merged into main: the data commit that training reads and model cards name. "
        "Runs only when every blocking check on staged_dataset passed."
    ),
)
def published_dataset(
    context: dg.AssetExecutionContext, project: ForgeProject, store: VersionStoreResource
) -> dg.MaterializeResult:
    ws = project.workspace()
    result = publish.publish(store.open(), publish.staged_info(ws)["branch"], context.run_id, ws=ws)
    return dg.MaterializeResult(
        metadata={
            "data_commit": result["commit"],
            "previous_commit": result["previous"],
            "branch": result["branch"],
            "changed_paths": result["changed_paths"],
            "lineage_commits_indexed": result["lineage_commits_indexed"],
            "changes": md.md_table(result["changes"][:50], ["path", "type"]),
        }
    )
