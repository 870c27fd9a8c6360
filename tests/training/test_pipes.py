"""A stage launched by Dagster through Pipes streams its progress and reports its figures as
materialization metadata (a real Dagster run, a real subprocess)."""

# Dagster reads the asset function's annotations at definition time, so no `from __future__ import annotations`.

import json
import sys

import pytest
from dagster import AssetExecutionContext, PipesSubprocessClient, asset, materialize

from tests.conftest import REPO, forge_env
from tests.training.conftest import cpt_run


@pytest.mark.slow
def test_cpt_reports_through_dagster_pipes(tmp_path, data_dir, tokenizer_dir):
    config = cpt_run(
        tmp_path / "cpt",
        data_dir,
        tokenizer_dir,
        stage={"max_steps": 10, "batch_size": 4, "seq_len": 64, "logging_steps": 5, "save_steps": 10},
        data_commit="c0ffee",
    )
    path = tmp_path / "cpt.json"
    path.write_text(config.model_dump_json())
    progress = []

    @asset
    def cpt_model(context: AssetExecutionContext, pipes: PipesSubprocessClient):
        invocation = pipes.run(
            command=[sys.executable, "-m", "training.cpt", "--config", str(path)],
            context=context,
            cwd=str(REPO),
        )
        progress.extend(invocation.get_custom_messages())
        return invocation.get_materialize_result()

    result = materialize([cpt_model], resources={"pipes": PipesSubprocessClient(env=forge_env())})
    assert result.success
    [event] = result.get_asset_materialization_events()
    metadata = {k: v.value for k, v in event.materialization.metadata.items()}
    assert metadata["stage"] == "cpt" and metadata["data_commit"] == "c0ffee"
    assert metadata["steps"] == 10 and metadata["final_loss"] > 0
    assert metadata["heldout.after.perplexity"] < metadata["heldout.before.perplexity"]
    assert metadata["model.parameters.total"] > 0
    steps = [m["step"] for m in progress if m.get("event") == "progress" and "loss" in m]
    assert steps == [5, 10]
    assert any("tokens_per_s" in m for m in progress)
    # the summary the program printed for humans is the same as the metadata Dagster got
    assert json.loads((tmp_path / "cpt" / "summary.json").read_text())["final_loss"] == metadata["final_loss"]
