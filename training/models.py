"""The model factory: dense (Llama-style) or Mixture-of-Experts (Qwen3-MoE) from ModelConfig sizes,
or a local open-weights base (an HF folder or a GGUF file), with LoRA adapters as an option.

Nothing here contacts the hub: models from config get their vocabulary from our own tokenizer
folder, and bases load with ``local_files_only``.

    >>> from forge_data.config import ModelConfig            # doctest: +SKIP
    >>> model, tok, info = prepare_model(ModelConfig(architecture="moe"), tokenizer_dir="out/tokenizer")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forge_data.config import ModelConfig
from training.common.cli import StageError
from training.common.runtime import go_offline

go_offline()

from transformers import (  # noqa: E402  (after go_offline, so the hub stays off)
    AutoModelForCausalLM,
    AutoTokenizer,
    LlamaConfig,
    PretrainedConfig,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    Qwen3MoeConfig,
)

# The chat template's end-of-turn token; generation stops on it as well as on EOS.
END_OF_TURN = "<|im_end|>"


def _split_gguf(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """(folder, extra kwargs) for from_pretrained: a .gguf file is opened by name inside its folder."""
    path = Path(path)
    if not path.exists():
        raise StageError(f"{path}: no such model or tokenizer (a local HF folder or .gguf file is needed)")
    if path.suffix.lower() == ".gguf":
        return path.parent, {"gguf_file": path.name}
    return path, {}


def load_tokenizer(path: str | Path) -> PreTrainedTokenizerBase:
    folder, extra = _split_gguf(path)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True, **extra)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(path: str | Path) -> PreTrainedModel:
    """An HF folder (safetensors + config.json) or a GGUF file, dequantised to float32 for training."""
    folder, extra = _split_gguf(path)
    model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype="float32", **extra)
    if extra:
        # transformers dequantises GGUF weights into plain float32 Linear layers but keeps the GGUF
        # "quantizer" as a marker, which makes Trainer refuse to train and save_pretrained claim a
        # quantization the saved weights no longer have. Drop the marker.
        if getattr(model, "hf_quantizer", None) is not None:
            model.hf_quantizer.remove_quantization_config(model)
        model.config._is_quantized = False
    return model


def model_config(cfg: ModelConfig, tokenizer: PreTrainedTokenizerBase) -> PretrainedConfig:
    """A transformers config for the configured sizes and the tokenizer's vocabulary."""
    common = dict(
        vocab_size=len(tokenizer),
        hidden_size=cfg.hidden_size,
        intermediate_size=cfg.intermediate_size,
        num_hidden_layers=cfg.num_layers,
        num_attention_heads=cfg.num_heads,
        num_key_value_heads=cfg.num_kv_heads,
        head_dim=cfg.hidden_size // cfg.num_heads,
        max_position_embeddings=cfg.max_seq_len,
        tie_word_embeddings=cfg.tie_embeddings,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    if cfg.architecture == "dense":
        return LlamaConfig(**common)
    return Qwen3MoeConfig(
        **common,
        num_experts=cfg.num_experts,
        num_experts_per_tok=cfg.experts_per_token,
        moe_intermediate_size=cfg.intermediate_size,
        decoder_sparse_step=1,  # every layer is a MoE layer
        norm_topk_prob=True,
        output_router_logits=True,
        router_aux_loss_coef=cfg.router_aux_loss_coef,
    )


def build_model(cfg: ModelConfig, tokenizer: PreTrainedTokenizerBase) -> PreTrainedModel:
    """A freshly initialised model; weights depend only on the seed set before the call."""
    model = AutoModelForCausalLM.from_config(model_config(cfg, tokenizer))
    align_special_tokens(model, tokenizer)
    return model


def align_special_tokens(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> None:
    """Make model, generation config and tokenizer agree on pad/EOS, and stop generation at end of turn."""
    if len(tokenizer) > model.get_input_embeddings().weight.shape[0]:
        # A tokenizer extended with domain terms: new rows start at the mean embedding.
        model.resize_token_embeddings(len(tokenizer), mean_resizing=True)
    model.config.pad_token_id = tokenizer.pad_token_id
    stops = [tokenizer.eos_token_id]
    end_of_turn = (
        tokenizer.convert_tokens_to_ids(END_OF_TURN) if END_OF_TURN in tokenizer.get_vocab() else None
    )
    if end_of_turn is not None and end_of_turn not in stops:
        stops.append(end_of_turn)
    model.generation_config.eos_token_id = stops if len(stops) > 1 else stops[0]
    model.generation_config.pad_token_id = tokenizer.pad_token_id


def count_parameters(model: PreTrainedModel) -> dict[str, int]:
    """Total, trainable, and active per token (for MoE only k of E experts run for each token)."""
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    config = model.config.get_text_config()
    experts = getattr(config, "num_experts", None) or getattr(config, "num_local_experts", None)
    active = total
    if experts:
        expert_params = sum(p.numel() for n, p in model.named_parameters() if ".experts." in n)
        active = total - expert_params + expert_params * config.num_experts_per_tok // experts
    return {"total": total, "trainable": trainable, "active": active}


def lora_config(cfg: ModelConfig):
    """A peft LoraConfig when ``lora_rank > 0``, else None (all weights train)."""
    if cfg.lora_rank <= 0:
        return None
    from peft import LoraConfig

    return LoraConfig(
        r=cfg.lora_rank,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )


def prepare_model(
    cfg: ModelConfig, *, init_from: str | None = None, tokenizer_dir: str | None = None
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase, dict[str, Any]]:
    """The model a stage starts from: ``init_from`` (a previous stage's output), else ``cfg.base``, else
    a new model of ``cfg``'s sizes. The tokenizer comes from ``tokenizer_dir`` when given, else from
    the model's own folder."""
    source = init_from or cfg.base
    if source is None and tokenizer_dir is None:
        raise StageError("a model built from config needs tokenizer_dir (the tokenizer stage's output)")
    tokenizer = load_tokenizer(tokenizer_dir or source)
    if source is None:
        model = build_model(cfg, tokenizer)
    else:
        model = load_model(source)
        align_special_tokens(model, tokenizer)
    info = {
        "source": source or "config",
        "architecture": type(model).__name__,
        "vocab_size": len(tokenizer),
        "parameters": count_parameters(model),
    }
    return model, tokenizer, info
