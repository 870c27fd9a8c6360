"""Write-audit-publish against the version store.

``stage`` writes the curated dataset to a fresh branch and commits it; blocking checks audit that
branch; ``publish`` merges it into main. Main therefore only ever moves by a merge of a fully
written, audited commit: a run that dies or fails its checks leaves main untouched and its branch
for inspection.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

import forge_data
from forge_data.config import ForgeConfig
from forge_data.steps.curate import gather_ingested
from forge_data.store import VersionStore
from forge_data.store.base import NoChanges
from forge_data.tables import read_json, read_parquet, write_json
from forge_data.workspace import Workspace

RECORDS_PREFIX = "curated/records/"
UNITS_PREFIX = "curated/code_units/"
QUARANTINE_PREFIX = "quarantine/"
DUPLICATES_PATH = "curated/duplicates.parquet"
MANIFEST_PATH = "manifest.json"


@functools.cache
def code_version() -> str:
    """Forge's version, plus the git commit of its checkout when it runs from one."""
    here = Path(__file__).resolve().parents[2]
    try:
        sha = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        sha = ""
    return f"{forge_data.__version__}+{sha}" if sha else forge_data.__version__


def run_branch(run_id: str) -> str:
    return f"run-{run_id[:12]}"


def _by_source(table: pa.Table, source: str) -> pa.Table:
    return table.filter(pc.equal(table.column("source"), source))


def accounting(inputs: int, kept: int, duplicates: int, quarantined: int) -> dict:
    return {
        "inputs": inputs,
        "kept": kept,
        "duplicates": duplicates,
        "quarantined": quarantined,
        "balanced": inputs == kept + duplicates + quarantined,
        "identity": f"{inputs} inputs = {kept} kept + {duplicates} duplicates + {quarantined} quarantined",
    }


def stage(cfg: ForgeConfig, ws: Workspace, store: VersionStore, run_id: str) -> dict:
    from forge_data.store.factory import write_table

    records = read_parquet(ws.curated("redacted"))
    units = read_parquet(ws.curated("code_units"))
    deduplicated = read_parquet(ws.curated("deduplicated"))
    _, ingest_quarantine, inputs = gather_ingested(cfg, ws)
    quarantine = pa.concat_tables(
        [ingest_quarantine, read_parquet(ws.curated("filter_quarantine"))], promote_options="permissive"
    )
    duplicates = deduplicated.filter(pc.invert(pc.field("keep"))).select(
        ["id", "source", "uri", "cluster_id", "duplicate_of", "dup_type"]
    )

    branch = run_branch(run_id)
    store.create_branch(branch, source=store.main, exist_ok=True)
    store.reset(branch)  # a retried run starts its branch's staging afresh
    for source in cfg.sources:
        write_table(store, branch, f"{RECORDS_PREFIX}{source.name}.parquet", _by_source(records, source.name))
        write_table(store, branch, f"{UNITS_PREFIX}{source.name}.parquet", _by_source(units, source.name))
        write_table(
            store, branch, f"{QUARANTINE_PREFIX}{source.name}.parquet", _by_source(quarantine, source.name)
        )
    write_table(store, branch, DUPLICATES_PATH, duplicates)

    counts = accounting(sum(inputs.values()), records.num_rows, duplicates.num_rows, quarantine.num_rows)
    # The run id lives in the commit's metadata, not in the manifest, so a rerun over unchanged
    # sources writes identical objects and commits nothing.
    manifest = {
        "config_hash": cfg.fingerprint(),
        "code_version": code_version(),
        "sources": inputs,
        "code_units": units.num_rows,
        **counts,
    }
    store.write(branch, MANIFEST_PATH, json.dumps(manifest, indent=2, sort_keys=True).encode())
    metadata = {
        "run_id": run_id,
        "config_hash": manifest["config_hash"],
        "code_version": manifest["code_version"],
        "inputs": str(counts["inputs"]),
        "kept": str(counts["kept"]),
        "duplicates": str(counts["duplicates"]),
        "quarantined": str(counts["quarantined"]),
        "code_units": str(units.num_rows),
    }
    try:
        commit_id = store.commit(branch, f"Curated data from run {run_id}", metadata=metadata).id
        unchanged = False
    except NoChanges:
        # Main already holds exactly this data: nothing new to audit or publish.
        commit_id, unchanged = store.head(branch), True
    result = dict(manifest, run_id=run_id, branch=branch, commit=commit_id, unchanged=unchanged)
    write_json(result, ws.curate_stats("staged"))
    return result


def publish(store: VersionStore, branch: str, run_id: str) -> dict:
    before = store.head(store.main)
    try:
        commit_id = store.merge(
            branch, store.main, message=f"Publish run {run_id}", metadata={"run_id": run_id}
        ).id
    except NoChanges:
        commit_id = before  # main already holds exactly this data: publishing again changes nothing
    changes = store.diff(before, commit_id)
    return {
        "commit": commit_id,
        "already_published": commit_id == before,
        "previous": before,
        "branch": branch,
        "changed_paths": len(changes),
        "changes": [{"path": c.path, "type": c.type} for c in changes],
    }


def read_manifest(store: VersionStore, ref: str) -> dict:
    return json.loads(store.read(ref, MANIFEST_PATH))


def read_records(store: VersionStore, ref: str) -> pa.Table:
    """Every curated record at ``ref``."""
    from forge_data.store.factory import read_table

    parts = [read_table(store, ref, o.path) for o in store.list(ref, RECORDS_PREFIX)]
    return pa.concat_tables(parts, promote_options="permissive") if parts else pa.table({})


def staged_info(ws: Workspace) -> dict:
    return read_json(ws.curate_stats("staged"))
