from __future__ import annotations

import json
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM

from tests.training.conftest import cpt_run, tiny_model
from training.common.reporter import Reporter
from training.cpt import run


def test_cpt_lowers_held_out_perplexity(cpt_output):
    before, after = cpt_output["heldout"]["before"], cpt_output["heldout"]["after"]
    # from scratch the model starts near uniform (perplexity ~ vocabulary size) ...
    assert before["perplexity"] > 300
    # ... and after 40 steps on the company's text it predicts unseen company text far better
    assert after["perplexity"] < before["perplexity"] / 5
    assert after["bits_per_byte"] < before["bits_per_byte"]
    assert cpt_output["steps"] == 40 and cpt_output["resumed_from"] is None
    assert cpt_output["tokens_per_s"] > 0


def test_cpt_writes_an_hf_model_folder_and_its_history(cpt_output):
    folder = Path(cpt_output["model_dir"])
    assert (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file()
    model = AutoModelForCausalLM.from_pretrained(folder)
    assert model.config.model_type == "llama"
    history = [json.loads(line) for line in (folder.parent / "log_history.jsonl").read_text().splitlines()]
    losses = [h["loss"] for h in history if "loss" in h]
    assert len(losses) == 4 and losses[-1] < losses[0]
    assert sorted(p.name for p in (folder.parent / "checkpoints").glob("checkpoint-*")) == [
        "checkpoint-20",
        "checkpoint-40",
    ]


def test_moe_cpt_trains_with_the_router_aux_loss(tmp_path, data_dir, tokenizer_dir):
    model = tiny_model(architecture="moe", num_experts=4, experts_per_token=2, intermediate_size=64)
    cfg = cpt_run(
        tmp_path,
        data_dir,
        tokenizer_dir,
        model=model,
        stage={
            "max_steps": 20,
            "batch_size": 8,
            "seq_len": 128,
            "learning_rate": 3e-3,
            "logging_steps": 5,
            "save_steps": 20,
        },
    )
    summary = run(cfg, Reporter("cpt"))
    assert summary["model"]["architecture"] == "Qwen3MoeForCausalLM"
    assert summary["heldout"]["after"]["perplexity"] < summary["heldout"]["before"]["perplexity"] / 2
    history = [json.loads(line) for line in (tmp_path / "log_history.jsonl").read_text().splitlines()]
    aux = [h["aux_loss"] for h in history if "aux_loss" in h]
    assert aux and all(a > 0 for a in aux)  # TRL logged the load-balancing loss it added


def test_lora_cpt_ships_merged_weights(tmp_path, data_dir, cpt_output):
    cfg = cpt_run(
        tmp_path,
        data_dir,
        None,
        init_from=cpt_output["model_dir"],
        model=tiny_model(lora_rank=8, lora_alpha=16),
        stage={
            "max_steps": 10,
            "batch_size": 8,
            "seq_len": 128,
            "learning_rate": 3e-3,
            "logging_steps": 5,
            "save_steps": 10,
        },
    )
    summary = run(cfg, Reporter("cpt"))
    assert summary["steps"] == 10
    params = summary["model"]["parameters"]
    assert 0 < params["trainable"] < params["total"] / 5  # only the adapters trained
    merged = AutoModelForCausalLM.from_pretrained(summary["model_dir"])
    names = [n for n, _ in merged.named_parameters()]
    assert not any("lora" in n for n in names)  # a plain model: no peft needed to load it
    # the merged adapters changed the weights they wrapped
    start = AutoModelForCausalLM.from_pretrained(cpt_output["model_dir"])
    key = "model.layers.0.self_attn.q_proj.weight"
    assert not torch.equal(start.state_dict()[key], merged.state_dict()[key])
