"""Curate group: quality filters → exact and near-duplicate removal → PII redaction → code units."""

import dagster as dg

from assets import metadata as md
from assets.ingest import FULL_RUN_TAG
from assets.resources import ForgeProject, VersionStoreResource
from forge_data.steps import curate

OWNERS = ["team:data-stewards"]


@dg.asset(
    group_name="curate",
    deps=["raw_records"],
    owners=OWNERS,
    kinds={"python", "parquet"},
    description="Records from every source that pass the quality filters; rejects go to quarantine with a reason.",
)
def filtered_records(
    context: dg.AssetExecutionContext, project: ForgeProject, store: VersionStoreResource
) -> dg.MaterializeResult:
    full = True if context.run.tags.get(FULL_RUN_TAG) == "true" else None
    stats = curate.filter_records(project.config(), project.workspace(), store.open(), full=full)
    return dg.MaterializeResult(
        metadata={
            **md.scalar_metadata(
                stats, ["inputs", "kept", "quarantined", "mode", "reason", "changed", "pulled", "removed"]
            ),
            **md.identity(stats, "inputs", ["kept", "quarantined"]),
            "quarantine_reasons": md.counts(stats.get("by_reason"), "reason"),
            "inputs_by_source": md.counts(stats.get("ingested_inputs"), "source"),
        }
    )


@dg.asset(
    group_name="curate",
    deps=[filtered_records],
    owners=OWNERS,
    kinds={"python", "datasketch"},
    description=(
        "Exact duplicates on normalised text, then MinHash LSH near-duplicates, clustered by union-find. "
        "Every record keeps its cluster id; exactly one member of each cluster is kept."
    ),
)
def deduplicated_records(project: ForgeProject) -> dg.MaterializeResult:
    stats = curate.deduplicate(project.config(), project.workspace())
    return dg.MaterializeResult(
        metadata={
            **md.scalar_metadata(
                stats,
                [
                    "inputs",
                    "kept",
                    "duplicates",
                    "exact_duplicates",
                    "near_duplicates",
                    "clusters",
                    "pulled_by_index",
                ],
            ),
            **md.identity(stats, "inputs", ["kept", "duplicates"]),
            "duplicate_rate": float(stats.get("duplicate_rate", 0.0)),
            "cluster_sizes": md.counts(stats.get("cluster_size_histogram"), "cluster size"),
            "example_clusters": md.md_table(
                [
                    {"cluster": c["cluster_id"], "members": ", ".join(f"`{m['uri']}`" for m in c["members"])}
                    for c in stats.get("example_clusters", [])
                ]
            ),
        }
    )


@dg.asset(
    group_name="curate",
    deps=[deduplicated_records],
    owners=OWNERS,
    kinds={"python", "presidio"},
    description=(
        "Kept records with PII and secrets replaced by consistent keyed pseudonyms. Each record carries a "
        "manifest (type, offsets, score, recognizer), never the original values."
    ),
)
def redacted_records(project: ForgeProject) -> dg.MaterializeResult:
    stats = curate.redact(project.config(), project.workspace())
    return dg.MaterializeResult(
        metadata={
            **md.scalar_metadata(stats, ["records", "records_with_pii", "entities"]),
            "pii_by_type": md.counts(stats.get("by_type"), "entity type"),
            "redacted_samples": md.samples(stats.get("samples", [])),
        }
    )


@dg.asset(
    group_name="curate",
    deps=[redacted_records],
    owners=OWNERS,
    kinds={"python", "tree-sitter"},
    description="Functions, methods and classes cut from redacted code with tree-sitter, with names, "
    "signatures, docstrings, line ranges and parents.",
)
def code_units(project: ForgeProject) -> dg.MaterializeResult:
    stats = curate.code_units(project.config(), project.workspace())
    return dg.MaterializeResult(
        metadata={
            **md.scalar_metadata(stats, ["units", "files", "syntax_error_rate", "files_with_errors"]),
            "units_by_language": md.counts(stats.get("units_by_language"), "language"),
            "syntax_error_rate_by_language": md.counts(
                stats.get("syntax_error_rate_by_language"), "language"
            ),
        }
    )
