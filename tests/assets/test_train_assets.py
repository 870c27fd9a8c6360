"""The training assets follow the recipe: dpo_model after sft_model, rl_model after it, evaluation last."""

import dagster as dg

from assets.train import build_training_assets
from forge_data.config import parse
from training import recipe


def test_dpo_and_rl_assets_chain_after_sft(tmp_path):
    cfg = parse(
        {
            "sources": [{"name": "wiki", "kind": "wiki", "path": "wiki"}],
            "training": {
                "stages": {"dpo": {"enabled": True, "feedback": "f.jsonl"}, "grpo": {"enabled": True}}
            },
        },
        base_dir=tmp_path,
    )
    stages = recipe.plan(cfg, recipe.PLACEHOLDER_DATASETS, tmp_path / "training")
    assets = build_training_assets(stages)
    deps = {a.key.to_user_string(): sorted(k.to_user_string() for k in a.asset_deps[a.key]) for a in assets}
    assert deps == {
        "tokenizer": ["training_datasets"],
        "cpt_model": ["tokenizer"],
        "sft_model": ["cpt_model"],
        "dpo_model": ["sft_model"],
        "rl_model": ["dpo_model"],
        "model_evaluation": ["rl_model"],
    }
    rl = next(a for a in assets if a.key == dg.AssetKey("rl_model"))
    assert "scorecard" in rl.descriptions_by_key[rl.key]
