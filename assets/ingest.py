"""Ingest group: one partition per configured source, so a single source can be re-ingested."""

import dagster as dg

from assets import metadata as md
from assets.resources import ForgeProject
from forge_data.steps.ingest import ingest

SOURCES_PARTITION = "sources"
FULL_RUN_TAG = "forge/full"


def _full_run(context: dg.AssetExecutionContext) -> bool | None:
    """A run tagged forge/full=true re-reads and re-curates everything; untagged runs are incremental."""
    return True if context.run.tags.get(FULL_RUN_TAG) == "true" else None


def build_ingest_assets(source_names: list[str]) -> list[dg.AssetsDefinition]:
    partitions = dg.StaticPartitionsDefinition(source_names)

    @dg.asset(
        group_name="ingest",
        partitions_def=partitions,
        owners=["team:data-stewards"],
        kinds={"python", "parquet", "git"},
        description=(
            "Every item of one source (a file, a wiki page, a chat thread, a mail thread) as a record "
            "with provenance, or a quarantine row with its reason. inputs = records + quarantined. "
            "Raw text stays on this machine and is never shown here before redaction."
        ),
    )
    def raw_records(context: dg.AssetExecutionContext, project: ForgeProject) -> dg.MaterializeResult:
        stats = ingest(project.config(), project.workspace(), context.partition_key, full=_full_run(context))
        balanced = stats["inputs"] == stats["records"] + stats["quarantined"] + stats["suppressed"]
        return dg.MaterializeResult(
            metadata={
                "inputs": stats["inputs"],
                "records": stats["records"],
                "quarantined": stats["quarantined"],
                "suppressed": stats["suppressed"],
                "accounting": dg.MetadataValue.md(
                    f"{'✅' if balanced else '❌'} {stats['inputs']} inputs = {stats['records']} records + "
                    f"{stats['quarantined']} quarantined + {stats['suppressed']} suppressed by deletion requests"
                ),
                "read": md.md_table([stats["incremental"]]),
                "megabytes": round(stats.get("bytes", 0) / 1e6, 3),
                "by_format": md.counts(stats.get("by_format"), "format"),
                "by_language": md.counts(stats.get("by_language"), "language"),
                "quarantine_reasons": md.counts(stats.get("by_reason"), "reason"),
                "head": str(stats.get("head") or ""),
            }
        )

    return [raw_records]
