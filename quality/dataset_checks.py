"""Blocking checks on the staged dataset: a failure stops the merge to main in the same run."""

import dagster as dg

from assets import metadata as md
from assets.resources import ForgeProject, VersionStoreResource
from assets.version import staged_dataset
from forge_data import audit
from forge_data.steps import publish
from forge_data.store import VersionStore

# Shown with every check in the UI, so a steward sees what a failure holds back.
STOPS_MERGE = " Blocking: when it fails, published_dataset does not run and main stays as it was."


def _staged_ref(context: dg.AssetCheckExecutionContext, store: VersionStore) -> str:
    """This run's branch when the check runs with the staging; otherwise the last staged branch."""
    branch = publish.run_branch(context.run.run_id)
    if branch in store.list_branches():
        return branch
    event = context.instance.get_latest_materialization_event(staged_dataset.key)
    if event is None or event.asset_materialization is None:
        raise dg.Failure("staged_dataset has never been materialized: nothing to audit")
    return str(event.asset_materialization.metadata["branch"].value)


def _result(passed: bool, meta: dict, description: str) -> dg.AssetCheckResult:
    meta = {k: (md.counts(v, "type") if isinstance(v, dict) else v) for k, v in meta.items()}
    meta = {k: (", ".join(v) if isinstance(v, list) else v) for k, v in meta.items()}
    return dg.AssetCheckResult(passed=passed, metadata=meta, description=description)


@dg.asset_check(
    asset=staged_dataset,
    blocking=True,
    description="Curated and quarantine tables conform to the record schema; ids are unique." + STOPS_MERGE,
)
def schema_conforms(
    context: dg.AssetCheckExecutionContext, store: VersionStoreResource
) -> dg.AssetCheckResult:
    s = store.open()
    passed, meta = audit.schema(s, _staged_ref(context, s))
    return _result(passed, meta, "schema conforms" if passed else "schema problems")


@dg.asset_check(
    asset=staged_dataset,
    blocking=True,
    description="inputs = kept + duplicates + quarantined, and the store holds exactly those rows."
    + STOPS_MERGE,
)
def nothing_lost(context: dg.AssetCheckExecutionContext, store: VersionStoreResource) -> dg.AssetCheckResult:
    s = store.open()
    passed, meta = audit.accounting(s, _staged_ref(context, s))
    return _result(passed, meta, meta["identity"])


@dg.asset_check(
    asset=staged_dataset,
    blocking=True,
    description="Share of inputs quarantined stays under checks.max_quarantine_rate." + STOPS_MERGE,
)
def quarantine_rate(
    context: dg.AssetCheckExecutionContext, project: ForgeProject, store: VersionStoreResource
) -> dg.AssetCheckResult:
    s = store.open()
    passed, meta = audit.quarantine_rate(project.config(), s, _staged_ref(context, s))
    return _result(passed, meta, f"quarantine rate {meta['quarantine_rate']:.1%}")


@dg.asset_check(
    asset=staged_dataset,
    blocking=True,
    description="Share of records dropped as duplicates stays under checks.max_duplicate_rate." + STOPS_MERGE,
)
def duplicate_rate(
    context: dg.AssetCheckExecutionContext, project: ForgeProject, store: VersionStoreResource
) -> dg.AssetCheckResult:
    s = store.open()
    passed, meta = audit.duplicate_rate(project.config(), s, _staged_ref(context, s))
    return _result(passed, meta, f"duplicate rate {meta['duplicate_rate']:.1%}")


@dg.asset_check(
    asset=staged_dataset,
    blocking=True,
    description="A re-scan of the redacted text, secrets included, finds nothing above threshold."
    + STOPS_MERGE,
)
def no_residual_pii(
    context: dg.AssetCheckExecutionContext, project: ForgeProject, store: VersionStoreResource
) -> dg.AssetCheckResult:
    from forge_data.pii import load_pseudonym_key

    cfg = project.config()
    s = store.open()
    ws = project.workspace()
    key = load_pseudonym_key(cfg.curation.pii, ws.root)
    passed, meta = audit.residual_pii(cfg, s, _staged_ref(context, s), key, cache_dir=ws.audit)
    return _result(passed, meta, f"{meta['findings']} residual findings (allowed {meta['allowed']})")


DATASET_CHECKS = [schema_conforms, nothing_lost, quarantine_rate, duplicate_rate, no_residual_pii]
