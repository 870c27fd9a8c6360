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

import forge_data
from forge_data.config import ForgeConfig
from forge_data.steps import layout
from forge_data.store import VersionStore
from forge_data.store.base import NoChanges
from forge_data.tables import read_json, write_json
from forge_data.workspace import Workspace

# Where things live in the store; kept importable from here for the audits and checks.
RECORDS_PREFIX = layout.RECORDS_PREFIX
UNITS_PREFIX = layout.UNITS_PREFIX
QUARANTINE_PREFIX = layout.QUARANTINE_PREFIX
LEDGER_PREFIX = layout.LEDGER_PREFIX
DUPLICATES_PATH = layout.DUPLICATES_PATH
MANIFEST_PATH = layout.MANIFEST_PATH


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


def accounting(inputs: int, kept: int, duplicates: int, quarantined: int, suppressed: int = 0) -> dict:
    identity = f"{inputs} inputs = {kept} kept + {duplicates} duplicates + {quarantined} quarantined"
    return {
        "inputs": inputs,
        "kept": kept,
        "duplicates": duplicates,
        "quarantined": quarantined,
        "suppressed": suppressed,
        "balanced": inputs == kept + duplicates + quarantined + suppressed,
        "identity": identity + (f" + {suppressed} suppressed by deletion requests" if suppressed else ""),
    }


def stage(cfg: ForgeConfig, ws: Workspace, store: VersionStore, run_id: str) -> dict:
    """Write the next state (main's, with this run's batch merged in) to the run's branch and commit it."""
    from forge_data.steps import merge
    from forge_data.steps import plan as planning
    from forge_data.store.factory import write_table

    plan = planning.load(ws)
    state = merge.next_state(cfg, ws, store, plan)
    branch = run_branch(run_id)
    store.create_branch(branch, source=plan.base, exist_ok=True)
    store.reset(branch)  # a retried run starts its branch's staging afresh
    for path, table in state.objects.items():
        write_table(store, branch, path, table)
    if plan.full:  # sources no longer configured leave the dataset
        for path in _unconfigured(cfg, store, branch):
            store.delete(branch, path)

    total = {k: sum(c[k] for c in state.by_source.values()) for k in ("inputs", "kept", "duplicates", "quarantined", "suppressed")}  # fmt: skip
    counts = accounting(**total)
    # The run id and what this run re-curated live in the commit's metadata, not in the manifest,
    # so a rerun over unchanged sources writes identical objects and commits nothing.
    manifest = {
        "config_hash": cfg.fingerprint(),
        "curation_hash": plan.curation_hash,
        "code_version": code_version(),
        "sources": {name: c["inputs"] for name, c in state.by_source.items()},
        "by_source": state.by_source,
        "code_units": state.code_units,
        **counts,
    }
    store.write(branch, MANIFEST_PATH, json.dumps(manifest, indent=2, sort_keys=True).encode())
    metadata = {
        "run_id": run_id,
        "config_hash": manifest["config_hash"],
        "code_version": manifest["code_version"],
        "mode": plan.mode,
        "base": plan.base,
        **{k: str(counts[k]) for k in ("inputs", "kept", "duplicates", "quarantined", "suppressed")},
        "code_units": str(state.code_units),
        **{f"run_{k}": str(state.run[k]) for k in ("inputs", "changed", "pulled", "removed")},
    }
    try:
        commit_id = store.commit(
            branch, f"Curated data from run {run_id} ({plan.mode})", metadata=metadata
        ).id
        unchanged = False
    except NoChanges:
        # Main already holds exactly this data: nothing new to audit or publish.
        commit_id, unchanged = store.head(branch), True
    result = dict(
        manifest, run_id=run_id, branch=branch, commit=commit_id, unchanged=unchanged, run=state.run
    )
    write_json(result, ws.curate_stats("staged"))
    return result


def _unconfigured(cfg: ForgeConfig, store: VersionStore, ref: str) -> list[str]:
    names = {s.name for s in cfg.sources}
    return [
        o.path
        for prefix in layout.PER_SOURCE
        for o in store.list(ref, prefix)
        if layout.source_of(o.path) not in names
    ]


def publish(store: VersionStore, branch: str, run_id: str, ws: Workspace | None = None) -> dict:
    """Merge the audited branch into main. With ``ws``, the run's dedup index becomes main's and the
    lineage index learns the new commit."""
    before = store.head(store.main)
    try:
        commit_id = store.merge(
            branch, store.main, message=f"Publish run {run_id}", metadata={"run_id": run_id}
        ).id
    except NoChanges:
        commit_id = before  # main already holds exactly this data: publishing again changes nothing
    changes = store.diff(before, commit_id)
    followed = _follow_main(ws, store, before, commit_id) if ws is not None else {}
    return {
        **followed,
        "commit": commit_id,
        "already_published": commit_id == before,
        "previous": before,
        "branch": branch,
        "changed_paths": len(changes),
        "changes": [{"path": c.path, "type": c.type} for c in changes],
    }


def _follow_main(ws: Workspace, store: VersionStore, before: str, commit: str) -> dict:
    from forge_data.lineage import LineageIndex
    from forge_data.steps import dedup_state

    staged = staged_info(ws)
    # The staged index extends the index of the commit the run planned against; if main moved in
    # between (another publish, a forget), it does not describe the merge, and the next run is full.
    promoted = staged.get("run", {}).get("base") == before and dedup_state.promote(
        ws, staged["run"]["plan"], commit
    )
    indexed = LineageIndex(ws.lineage).update(store)
    return {"dedup_index_promoted": bool(promoted), "lineage_commits_indexed": indexed}


def read_manifest(store: VersionStore, ref: str) -> dict:
    return json.loads(store.read(ref, MANIFEST_PATH))


def read_records(store: VersionStore, ref: str) -> pa.Table:
    """Every curated record at ``ref``."""
    from forge_data.store.factory import read_table

    parts = [read_table(store, ref, o.path) for o in store.list(ref, RECORDS_PREFIX)]
    return pa.concat_tables(parts, promote_options="permissive") if parts else pa.table({})


def staged_info(ws: Workspace) -> dict:
    return read_json(ws.curate_stats("staged"))
