from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import yaml
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM

from forge_data.registry import (
    RegistryError,
    get_model,
    list_models,
    mark_stale,
    models_trained_on,
    register_model,
)

RECIPE = {"model": {"architecture": "dense", "hidden_size": 32}, "stages": {"cpt": {"max_steps": 40}}}
METRICS = {
    "perplexity": 12.5,
    "acceptance": {"pass_rate": 0.97, "gate": 0.95, "gate_passed": True},
    "memorization": {"canaries": 3, "leaked": 0, "passed": True, "max_match_fraction": 0.1},
    "samples": [{"prompt": "Who owns ledgerd?", "output": "The payments team."}],
}


@pytest.fixture
def model_dir(tmp_path) -> Path:
    """A real (tiny) HF model folder with a tokenizer, as a training stage writes it."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel()
    bpe.train_from_iterator(
        ["ledgerd owns the payments queue"] * 5,
        trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"]),
    )
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|endoftext|>")
    torch.manual_seed(0)
    model = LlamaForCausalLM(
        LlamaConfig(
            vocab_size=len(tok),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
        )
    )
    folder = tmp_path / "trained" / "model"
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def test_register_round_trip_loads_with_transformers(model_dir, tmp_path):
    root = tmp_path / "registry"
    entry = register_model(
        model_dir,
        root,
        name="acme-chat",
        data_commit="c0ffee",
        recipe=RECIPE,
        metrics=METRICS,
        lineage={"tokenizer": "tok/1"},
    )
    assert entry.ref == "acme-chat/v1" and Path(entry.path) == (root / "acme-chat" / "v1").resolve()
    loaded = AutoModelForCausalLM.from_pretrained(entry.path)
    original = AutoModelForCausalLM.from_pretrained(model_dir)
    for key, value in original.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)
    assert AutoTokenizer.from_pretrained(entry.path).eos_token == "<|endoftext|>"


def test_model_card_names_data_commit_recipe_metrics_and_audit(model_dir, tmp_path):
    entry = register_model(
        model_dir,
        tmp_path / "r",
        name="acme-chat",
        data_commit="c0ffee",
        recipe=RECIPE,
        metrics=METRICS,
        lineage={"base_model": "SmolLM2-135M-Instruct"},
    )
    card = (Path(entry.path) / "README.md").read_text()
    header = yaml.safe_load(card.split("---")[1])
    assert header["data_commit"] == "c0ffee" and header["status"] == "active"
    assert header["base_model"] == "SmolLM2-135M-Instruct" and header["library_name"] == "transformers"
    assert "Trained on data commit `c0ffee`" in card
    assert "| `stages.cpt.max_steps` | 40 |" in card
    assert "| `acceptance.pass_rate` | 0.97 |" in card
    assert "0 of 3 continuations reproduced" in card and "Audit passed" in card
    assert "Who owns ledgerd?" in card  # sample generations are shown
    for section in ("## Intended use", "## Limitations", "## Memorization audit"):
        assert section in card


def test_versions_index_lineage_and_stale(model_dir, tmp_path):
    root = tmp_path / "r"
    v1 = register_model(model_dir, root, name="acme", data_commit="aaa", recipe={}, metrics={})
    v2 = register_model(model_dir, root, name="acme", data_commit="bbb", recipe={}, metrics={})
    other = register_model(model_dir, root, name="acme-moe", data_commit="aaa", recipe={}, metrics={})
    assert [e.version for e in list_models(root, "acme")] == ["v1", "v2"]
    assert {e.ref for e in models_trained_on(root, "aaa")} == {v1.ref, other.ref}
    assert get_model(root, "acme").version == "v2"

    stale = mark_stale(root, "acme", "v2", "trained on documents removed by forget request 7")
    assert stale.status == "stale"
    assert get_model(root, "acme").version == "v1"  # latest active
    assert get_model(root, "acme", "v2").stale_reason.startswith("trained on documents removed")
    card = (Path(v2.path) / "README.md").read_text()
    assert "status: stale" in card and "forget request 7" in card
    index = json.loads((root / "index.json").read_text())
    assert [m["status"] for m in index["models"]] == ["active", "stale", "active"]
    assert not list(root.glob("*/.*.partial"))


def test_bad_registrations_are_clear_errors(model_dir, tmp_path):
    with pytest.raises(RegistryError, match="data commit"):
        register_model(model_dir, tmp_path, name="acme", data_commit="", recipe={}, metrics={})
    with pytest.raises(RegistryError, match="not an HF model folder"):
        register_model(tmp_path, tmp_path / "r", name="acme", data_commit="x", recipe={}, metrics={})
    with pytest.raises(RegistryError, match="model name"):
        register_model(model_dir, tmp_path, name="Bad Name", data_commit="x", recipe={}, metrics={})
    with pytest.raises(RegistryError, match="no model"):
        mark_stale(tmp_path / "r", "acme", "v9", "x")
