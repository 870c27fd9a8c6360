"""What a steward reads without code: every asset's group, description, owners and kinds; every
check's blocking effect; and the metadata tables the assets build from their stats."""

import dagster as dg

from assets import metadata as md
from tests.sensors.conftest import project  # noqa: F401  (the small project fixture)

GROUPS = {"ingest", "curate", "version", "train", "evaluate"}


def test_every_asset_has_group_description_owners_and_kinds(project):  # noqa: F811
    defs = project.defs()
    specs = [spec for asset in defs.assets for spec in asset.specs]
    assert {s.key.to_user_string() for s in specs} >= {
        "raw_records",
        "staged_dataset",
        "cpt_model",
        "registered_model",
    }
    for spec in specs:
        name = spec.key.to_user_string()
        assert spec.group_name in GROUPS, name
        assert spec.description and len(spec.description) > 40, name
        assert spec.owners and all(o.startswith("team:") for o in spec.owners), name
        assert "python" in spec.kinds and len(spec.kinds) >= 2, name
    checks = [c for checks in defs.asset_checks for c in checks.check_specs]
    assert len(checks) == 7
    for check in checks:
        assert check.blocking, check.name
        assert "Blocking: when it fails," in check.description, check.name


def test_accounting_identity_says_whether_it_balances():
    good = md.identity({"inputs": 10, "kept": 7, "quarantined": 3}, "inputs", ["kept", "quarantined"])
    assert good["accounting"].value == "✅ 10 inputs = 7 kept + 3 quarantined"
    bad = md.identity({"inputs": 10, "kept": 7, "duplicates": 2}, "inputs", ["kept", "duplicates"])
    assert bad["accounting"].value.startswith("❌ ")
    assert md.identity({"inputs": 10}, "inputs", ["kept"]) == {}  # stats without the counts: no claim


def test_evaluation_table_shows_figures_and_samples():
    summary = {
        "eval_file": "/state/training/evaluate/abc/eval.json",
        "perplexity": 41.23456,
        "acceptance": {"cases": 20, "passed": 19, "pass_rate": 0.95, "gate": 0.95, "gate_passed": True},
        "memorization": {"canaries": 3, "leaked": 0, "passed": True},
        "samples": [{"prompt": "Who owns ledgerd?", "output": " The payments team.\n"}],
    }
    text = md.eval_table(summary).value
    assert "| perplexity | 41.2346 |" in text
    assert "| acceptance.pass_rate | 0.95 |" in text and "| memorization.leaked | 0 |" in text
    assert "eval_file" not in text
    assert "**Sample generations**" in text and "| Who owns ledgerd? | The payments team. |" in text
    assert isinstance(md.eval_table({"perplexity": 3.0}), dg.MetadataValue)
