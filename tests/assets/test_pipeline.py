"""The whole asset graph, materialized on the generated sample company with a real Dagster instance."""

import json
from pathlib import Path

import dagster as dg
import pytest

from assets.runner import run_pipeline
from forge_data.config import load
from forge_data.steps.publish import read_manifest
from forge_data.store.factory import open_store
from tests.assets.conftest import TINY_TRAINING, write_variant

pytestmark = pytest.mark.slow


def _materialized(instance: dg.DagsterInstance, key: str) -> dict:
    event = instance.get_latest_materialization_event(dg.AssetKey(key))
    assert event is not None, f"{key} was not materialized"
    return event.asset_materialization.metadata


def test_sample_company_becomes_a_registered_model(sample_company: Path, tmp_path: Path):
    config = write_variant(
        sample_company,
        sample_company.parent / "forge-e2e.yaml",
        project={"name": "acme-e2e", "state_dir": str(tmp_path / "state")},
        training={**TINY_TRAINING, "eval": {"gate": 0.0, "max_new_tokens": 4}},
    )
    with dg.instance_for_test() as instance:
        summary = run_pipeline(config, instance=instance)
        assert summary["ok"], summary["problems"]

        # Nothing lost: the identity holds at every level and is what the steward sees.
        ingest = summary["stages"]["ingest"]
        assert all(s["inputs"] == s["records"] + s["quarantined"] for s in ingest.values())
        staged = _materialized(instance, "staged_dataset")
        assert (
            staged["inputs"].value
            == staged["kept"].value + staged["duplicates"].value + staged["quarantined"].value
        )
        assert staged["inputs"].value == sum(s["inputs"] for s in ingest.values())
        assert "✅" in staged["accounting"].value

        # Published: main holds the audited commit, and it is the one the model names.
        cfg = load(config)
        store = open_store(cfg.store, cfg.resolve)
        data_commit = _materialized(instance, "published_dataset")["data_commit"].value
        assert store.head("main") == data_commit == summary["data_commit"]
        assert read_manifest(store, data_commit)["balanced"]
        assert _materialized(instance, "training_datasets")["data_commit"].value == data_commit

        # Every blocking check ran and passed (a skipped check would leave no evaluation).
        for check in [
            "schema_conforms",
            "nothing_lost",
            "quarantine_rate",
            "duplicate_rate",
            "no_residual_pii",
        ]:
            record = instance.event_log_storage.get_latest_asset_check_execution_by_key(
                [dg.AssetCheckKey(dg.AssetKey("staged_dataset"), check)]
            )[dg.AssetCheckKey(dg.AssetKey("staged_dataset"), check)]
            assert record.status.value == "SUCCEEDED", check

        # Each trained stage's before and after, as `forge run` reports them; RL is off in this recipe.
        cpt, sft = summary["training"]
        assert cpt["stage"] == "cpt" and cpt["figure"] == "held-out perplexity"
        assert cpt["after"] < cpt["before"]
        assert sft["stage"] == "sft" and sft["figure"] == "eval loss"

        # Registered in HF format with a card naming the data commit.
        registered = _materialized(instance, "registered_model")
        assert registered["data_commit"].value == data_commit
        card = Path(registered["model_card"].value).read_text()
        assert data_commit in card
        from transformers import AutoModelForCausalLM, AutoTokenizer

        model = AutoModelForCausalLM.from_pretrained(summary["model_path"])
        tokenizer = AutoTokenizer.from_pretrained(summary["model_path"])
        ids = tokenizer("Anvil", return_tensors="pt").input_ids
        assert model(ids).logits.shape[-1] == len(tokenizer)
        assert store.list_tags()[f"acme-e2e-{summary['model'].split('/')[-1]}"] == data_commit

        # Raw text never reaches metadata before redaction: the sample's planted emails are absent.
        manifest = json.loads((sample_company.parent / "sample" / "manifest.json").read_text())
        emails = [p["value"] for p in manifest["pii"] if p["type"] == "EMAIL_ADDRESS"]
        for key in [
            "raw_records",
            "filtered_records",
            "deduplicated_records",
            "redacted_records",
            "staged_dataset",
        ]:
            event = instance.get_latest_materialization_event(dg.AssetKey(key))
            text = json.dumps({k: str(v.value) for k, v in event.asset_materialization.metadata.items()})
            assert not any(e in text for e in emails), key


def test_a_failing_blocking_check_leaves_main_untouched(sample_company: Path, tmp_path: Path):
    config = write_variant(
        sample_company,
        sample_company.parent / "forge-strict.yaml",
        project={"name": "acme-strict", "state_dir": str(tmp_path / "state")},
        training={"enabled": False},
        checks={"max_quarantine_rate": 0.0},
    )
    cfg = load(config)
    with dg.instance_for_test() as instance:
        summary = run_pipeline(config, instance=instance)
        assert not summary["ok"]
        assert "check quarantine_rate failed" in summary["problems"]
        store = open_store(cfg.store, cfg.resolve)
        # main has only the store's initial commit; the run's branch is kept for inspection.
        assert store.list("main", "curated/") == []
        assert any(b.startswith("run-") for b in store.list_branches())
        assert instance.get_latest_materialization_event(dg.AssetKey("published_dataset")) is None
