from __future__ import annotations

import pytest
import torch

from tests.training.conftest import smollm2_gguf, tiny_model
from training.common.cli import StageError
from training.models import build_model, count_parameters, lora_config, prepare_model


def _batch(vocab: int):
    torch.manual_seed(0)
    ids = torch.randint(0, vocab, (2, 32))
    return {"input_ids": ids, "labels": ids}


def test_dense_model_builds_from_config_and_the_tokenizers_vocab(tokenizer_dir):
    model, tok, info = prepare_model(tiny_model(), tokenizer_dir=str(tokenizer_dir))
    assert info["architecture"] == "LlamaForCausalLM" and info["source"] == "config"
    assert model.config.vocab_size == len(tok) and model.config.num_hidden_layers == 2
    out = model(**_batch(len(tok)))
    assert out.logits.shape == (2, 32, len(tok)) and torch.isfinite(out.loss)
    p = info["parameters"]
    assert p["total"] == p["trainable"] == p["active"] == sum(x.numel() for x in model.parameters())
    assert model.generation_config.eos_token_id == [tok.eos_token_id, tok.convert_tokens_to_ids("<|im_end|>")]


def test_moe_model_routes_top_k_and_returns_an_aux_loss(tokenizer_dir):
    cfg = tiny_model(architecture="moe", num_experts=4, experts_per_token=2, router_aux_loss_coef=0.02)
    model, tok, info = prepare_model(cfg, tokenizer_dir=str(tokenizer_dir))
    assert info["architecture"] == "Qwen3MoeForCausalLM"
    assert model.config.num_experts == 4 and model.config.num_experts_per_tok == 2
    out = model(**_batch(len(tok)))
    assert out.aux_loss is not None and out.aux_loss.item() > 0
    assert len(out.router_logits) == 2  # one router per layer
    # the loss includes the weighted aux loss
    plain = torch.nn.functional.cross_entropy(
        out.logits[:, :-1].reshape(-1, len(tok)), _batch(len(tok))["labels"][:, 1:].reshape(-1)
    )
    assert out.loss.item() == pytest.approx(plain.item() + 0.02 * out.aux_loss.item(), rel=1e-4)
    p = info["parameters"]
    assert p["active"] < p["total"]  # only 2 of 4 experts run per token


def test_lora_trains_adapters_only(tokenizer_dir):
    from peft import get_peft_model

    model, _, _ = prepare_model(tiny_model(lora_rank=4), tokenizer_dir=str(tokenizer_dir))
    peft_model = get_peft_model(model, lora_config(tiny_model(lora_rank=4)))
    counts = count_parameters(peft_model)
    assert 0 < counts["trainable"] < counts["total"] / 5
    assert lora_config(tiny_model()) is None


def test_an_hf_folder_base_loads_with_its_weights(tokenizer_dir, tmp_path):
    from training.models import load_tokenizer

    torch.manual_seed(1)
    original = build_model(tiny_model(), load_tokenizer(tokenizer_dir))
    original.save_pretrained(tmp_path / "base")
    load_tokenizer(tokenizer_dir).save_pretrained(tmp_path / "base")

    model, tok, info = prepare_model(tiny_model(base=str(tmp_path / "base")))
    assert info["source"] == str(tmp_path / "base")
    for (name, a), (_, b) in zip(original.state_dict().items(), model.state_dict().items(), strict=True):
        assert torch.equal(a, b), name
    assert len(tok) == original.config.vocab_size


def test_missing_base_or_tokenizer_is_a_clear_error(tmp_path):
    with pytest.raises(StageError, match="no such model"):
        prepare_model(tiny_model(base=str(tmp_path / "nope")))
    with pytest.raises(StageError, match="needs tokenizer_dir"):
        prepare_model(tiny_model())


@pytest.mark.skipif(
    smollm2_gguf() is None, reason="set FORGE_SMOLLM2_GGUF to the SmolLM2-135M-Instruct .gguf to run"
)
def test_smollm2_gguf_base_loads_and_generates():
    from training.common.generate import generate

    model, tok, info = prepare_model(tiny_model(base=str(smollm2_gguf())))
    assert info["architecture"] == "LlamaForCausalLM" and info["parameters"]["total"] > 100_000_000
    answer = generate(model, tok, ["What is the capital of France?"], chat=True, max_new_tokens=12)[0]
    assert "Paris" in answer
