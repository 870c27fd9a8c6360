"""The Dagster graph reruns incrementally, and a run tagged forge/full=true re-curates everything."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from assets.runner import run_pipeline
from definitions import build_definitions
from tests.forge_data.steps import mini_company as mc


def _staged(instance: dg.DagsterInstance) -> dict:
    event = instance.get_latest_materialization_event(dg.AssetKey("staged_dataset"))
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def test_the_pipeline_reruns_incrementally_and_full_on_request(tmp_path: Path):
    config = mc.build(tmp_path / "company")
    # Redaction is off here, so the residual scan finds the raw names: allow them.
    mc.write_config(config, checks={"max_residual_pii": 1000})
    with dg.instance_for_test() as instance:
        first = run_pipeline(config, instance=instance)
        assert first["ok"], first["problems"]
        assert _staged(instance)["mode"] == "full"

        mc.edit_page(config.parent, "glossary.md", "- temper: the twenty minutes before promotion.\n")
        second = run_pipeline(config, instance=instance)
        assert second["ok"], second["problems"]
        staged = _staged(instance)
        assert staged["mode"] == "incremental"
        assert staged["this_run"].startswith("✅ 1 inputs curated in this run (1 new or changed")
        assert second["data_commit"] != first["data_commit"]

        job = build_definitions(config).resolve_job_def("curate_and_publish")
        result = job.execute_in_process(instance=instance, tags={"forge/full": "true"}, raise_on_error=False)
        assert result.success
        staged = _staged(instance)
        assert staged["mode"] == "full" and "inputs curated in this run" in staged["this_run"]
