"""New data: changed sources are re-ingested and then re-curated; a foreign commit on main is re-curated.

Three sensors:

``new_source_data``
    Watches every configured source (git heads; fingerprints of wiki and chat exports, see
    :mod:`sensors.sources`) and requests one ``ingest_sources`` run per changed source, for that
    source's partition, with the run key ``git:<source>:<commit>`` or ``folder:<source>:<fingerprint>``.
    The runs of one evaluation share a ``forge/change`` tag naming the batch.

``curate_after_ingest``
    How curation follows ingestion. A run-status sensor on successful ``ingest_sources`` runs: once
    every ingestion run of a batch has succeeded, it requests one ``curate_and_publish`` run keyed
    ``curate:<batch>``. This was chosen over the alternatives because

    - requesting curation in the same tick as the ingestion runs would let it start before they
      finish (runs are launched side by side) and curate half-ingested data;
    - one curation per ingestion run would curate N times for a batch of N changed sources;
    - an eager ``AutomationCondition`` on the curation assets would also fire after manual or
      ``forge run`` ingestion, where the runner already curates, and needs the automation daemon;

    so the batch tag carries the change from its ingestion to its curation, and a failed ingestion
    run holds its batch's curation back (the failure is on the run page) instead of publishing a
    partial update. Ingestion runs without the tag (launched by hand) are left for a person to curate.

``store_main_changed``
    Requests ``curate_and_publish`` (run key ``store:<commit>``) when the store's main moves by a
    commit that no run of this Dagster instance made, e.g. data written to lakeFS by another tool.
    Forge's own publishes carry their run id in the merge commit's metadata and are recognised,
    so publishing never re-triggers curation.

Incremental curation itself (touching only what changed) is the steps' business; these sensors
only decide which runs to launch, and the run keys make sure one change launches them once.
"""

import hashlib

import dagster as dg

from assets.resources import ForgeProject, VersionStoreResource
from forge_data.config import ForgeConfig
from forge_data.store import StoreError
from sensors import sources
from sensors.common import (
    CHANGE_KEYS_TAG,
    CHANGE_TAG,
    RUN_KEY_TAG,
    TRIGGER_TAG,
    default_status,
    dump_cursor,
    forge_sensor,
    load_cursor,
    short,
)


def change_id(run_keys: list[str]) -> str:
    """Names a batch of changes by their run keys, so the same batch always gets the same name."""
    return hashlib.sha256("\n".join(sorted(run_keys)).encode()).hexdigest()[:16]


def build_new_source_data(cfg: ForgeConfig, ingest_job) -> dg.SensorDefinition:
    settings = cfg.keep_current.new_data

    @forge_sensor(
        "new_source_data",
        ingest_job,
        settings,
        "New commits in watched git repositories and new or changed files in wiki and chat "
        "exports → one ingestion run per changed source (its partition), then curation once they all "
        "succeed (curate_after_ingest). Run key git:<source>:<commit> or folder:<source>:<fingerprint>.",
    )
    def new_source_data(context: dg.SensorEvaluationContext, project: ForgeProject) -> dg.SensorResult:
        state = load_cursor(context.cursor)
        scan = sources.scan(project.config(), project.workspace(), state.get("sources", {}))
        cursor = dump_cursor({"sources": scan.seen})
        problems = "; ".join(scan.problems)
        if not scan.changed:
            reason = f"no new data in {len(scan.seen)} watched sources"
            return dg.SensorResult(
                skip_reason=reason + (f"; unreadable: {problems}" if problems else ""), cursor=cursor
            )
        if problems:
            context.log.warning(f"unreadable sources: {problems}")
        keys = [c.run_key for c in scan.changed]
        batch = change_id(keys)
        requests = [
            dg.RunRequest(
                run_key=change.run_key,
                partition_key=change.source,
                tags={
                    TRIGGER_TAG: "new-data",
                    CHANGE_TAG: batch,
                    CHANGE_KEYS_TAG: ",".join(keys),
                    "forge/source": change.source,
                },
            )
            for change in scan.changed
        ]
        return dg.SensorResult(run_requests=requests, cursor=cursor)

    return new_source_data


def build_curate_after_ingest(cfg: ForgeConfig, ingest_job, curate_job) -> dg.SensorDefinition:
    settings = cfg.keep_current.new_data

    @dg.run_status_sensor(
        name="curate_after_ingest",
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[ingest_job],
        request_job=curate_job,
        default_status=default_status(settings),
        description="When every ingestion run of one batch of changes (tag forge/change, set by "
        "new_source_data and the nightly schedule) has succeeded → one curation run keyed curate:<batch>.",
    )
    def curate_after_ingest(context: dg.RunStatusSensorContext):
        run = context.dagster_run
        batch = run.tags.get(CHANGE_TAG)
        # Each run key of the batch must have a successful run. Looking runs up by run key, not by the
        # batch tag, counts a run the daemon did not create again because its key already had one.
        keys = [k for k in run.tags.get(CHANGE_KEYS_TAG, "").split(",") if k]
        if not batch or not keys:
            return dg.SkipReason(
                f"ingestion run {run.run_id[:8]} was started by hand (no {CHANGE_TAG} tag); curate when ready"
            )
        succeeded = sum(_succeeded(context.instance, key) for key in keys)
        if succeeded < len(keys):
            return dg.SkipReason(
                f"batch {batch}: {succeeded} of {len(keys)} ingestion runs succeeded; curation waits for the rest"
            )
        return dg.RunRequest(
            run_key=f"curate:{batch}",
            tags={TRIGGER_TAG: run.tags.get(TRIGGER_TAG, "new-data"), CHANGE_TAG: batch},
        )

    return curate_after_ingest


def _succeeded(instance: dg.DagsterInstance, run_key: str) -> bool:
    latest = instance.get_runs(filters=dg.RunsFilter(tags={RUN_KEY_TAG: run_key}), limit=1)
    return bool(latest) and latest[0].status == dg.DagsterRunStatus.SUCCESS


def build_store_main_changed(cfg: ForgeConfig, curate_job) -> dg.SensorDefinition:
    settings = cfg.keep_current.new_data

    @forge_sensor(
        "store_main_changed",
        curate_job,
        settings,
        "A new commit on the version store's main that no Forge run of this instance made "
        "(data written by another tool) → a curation run keyed store:<commit>. Forge's own publishes "
        "are recognised by the run id in their merge commit.",
        enabled=settings.store_main,
    )
    def store_main_changed(
        context: dg.SensorEvaluationContext, store: VersionStoreResource
    ) -> dg.SensorResult:
        seen = load_cursor(context.cursor).get("main")
        try:
            s = store.open()
            head = s.head(s.main)
            commit = s.get_commit(head)
        except (StoreError, OSError) as err:
            return dg.SensorResult(
                skip_reason=f"the version store cannot be read: {err}", cursor=context.cursor
            )
        cursor = dump_cursor({"main": head})
        if seen is None:
            return dg.SensorResult(skip_reason=f"watching main from {short(head)}", cursor=cursor)
        if seen == head:
            return dg.SensorResult(skip_reason=f"main is still at {short(head)}", cursor=cursor)
        run_id = commit.metadata.get("run_id")
        if run_id and context.instance.get_run_by_id(run_id) is not None:
            return dg.SensorResult(
                skip_reason=f"main moved to {short(head)} by Forge run {run_id[:8]}: nothing to re-curate",
                cursor=cursor,
            )
        request = dg.RunRequest(
            run_key=f"store:{head}", tags={TRIGGER_TAG: "store-main", "forge/data_commit": head}
        )
        return dg.SensorResult(run_requests=[request], cursor=cursor)

    return store_main_changed
