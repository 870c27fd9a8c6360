from __future__ import annotations

import json
from pathlib import Path

import pytest
from transformers import AutoModelForCausalLM

from forge_data.datasets import read_dataset
from tests.training.conftest import smollm2_gguf, tiny_model
from training.common.cli import StageError
from training.common.reporter import Reporter
from training.sft import SftRun, build_trainer, run

STAGE = {
    "max_steps": 30,
    "batch_size": 8,
    "seq_len": 128,
    "learning_rate": 2e-3,
    "logging_steps": 10,
    "save_steps": 30,
}


def _cfg(tmp_path: Path, data_dir: Path, cpt_output: dict, **overrides) -> SftRun:
    fields = dict(
        output_dir=str(tmp_path),
        train_file=str(data_dir / "sft_train.jsonl"),
        eval_file=str(data_dir / "sft_eval.jsonl"),
        init_from=cpt_output["model_dir"],
        stage=STAGE,
    )
    return SftRun(**{**fields, **overrides})


def _learned(trainer, tok) -> str:
    """The text of the first training example that carries loss."""
    example = trainer.train_dataset[0]
    return tok.decode(
        [t for t, label in zip(example["input_ids"], example["labels"], strict=True) if label != -100]
    )


def _answers(row) -> str:
    return "".join(m["content"] + "<|im_end|>" for m in row["messages"] if m["role"] == "assistant")


def test_only_assistant_turns_carry_loss(tmp_path, data_dir, cpt_output):
    cfg = _cfg(tmp_path, data_dir, cpt_output)
    rows = read_dataset(data_dir / "sft_train.jsonl")
    trainer, tok, _ = build_trainer(cfg, Reporter("sft"), rows, None)
    assert _learned(trainer, tok) == _answers(rows[0])  # every answer token and its end-of-turn, no question
    assert tok.decode(trainer.train_dataset[0]["input_ids"]).startswith("<|im_start|>user\n")


def test_sft_lowers_held_out_conversation_loss(tmp_path, data_dir, cpt_output):
    summary = run(_cfg(tmp_path, data_dir, cpt_output), Reporter("sft"))
    assert summary["steps"] == 30 and summary["assistant_only_loss"] is True
    assert summary["eval_loss"]["after"] < summary["eval_loss"]["before"]
    folder = Path(summary["model_dir"])
    assert (folder / "model.safetensors").is_file() and (folder / "chat_template.jinja").is_file()


def test_sft_needs_a_chat_template(tmp_path, data_dir, tokenizer_dir):
    from training.models import load_tokenizer

    plain = load_tokenizer(tokenizer_dir)
    plain.chat_template = None
    plain.save_pretrained(tmp_path / "plain")
    (tmp_path / "plain" / "chat_template.jinja").unlink(missing_ok=True)
    cfg = SftRun(
        output_dir=str(tmp_path / "out"),
        train_file=str(data_dir / "sft_train.jsonl"),
        tokenizer_dir=str(tmp_path / "plain"),
        model=tiny_model(),
        stage=STAGE,
    )
    with pytest.raises(StageError, match="no chat template"):
        run(cfg, Reporter("sft"))


def test_a_chatml_template_without_generation_markers_is_swapped_for_ours(tmp_path, data_dir, cpt_output):
    """Like SmolLM2's: ChatML tokens, a template TRL cannot patch for assistant-only loss."""
    from training.models import load_tokenizer

    tok = load_tokenizer(cpt_output["model_dir"])
    tok.chat_template = (
        "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
    )
    tok.save_pretrained(tmp_path / "plain_chatml")
    cfg = _cfg(tmp_path / "out", data_dir, cpt_output, tokenizer_dir=str(tmp_path / "plain_chatml"))
    rows = read_dataset(data_dir / "sft_train.jsonl")
    trainer, tok, _ = build_trainer(cfg, Reporter("sft"), rows, None)
    assert trainer.args.assistant_only_loss is True and "generation" in tok.chat_template
    assert _learned(trainer, tok) == _answers(rows[0])


@pytest.mark.skipif(
    smollm2_gguf() is None, reason="set FORGE_SMOLLM2_GGUF to the SmolLM2-135M-Instruct .gguf to run"
)
def test_lora_sft_on_the_smollm2_gguf_base(tmp_path, data_dir):
    cfg = SftRun(
        output_dir=str(tmp_path),
        train_file=str(data_dir / "sft_train.jsonl"),
        model=tiny_model(base=str(smollm2_gguf()), lora_rank=8),
        stage={"max_steps": 3, "batch_size": 2, "seq_len": 128, "logging_steps": 1, "save_steps": 3},
    )
    summary = run(cfg, Reporter("sft"))
    assert summary["assistant_only_loss"] is True and summary["steps"] == 3
    assert summary["model"]["parameters"]["total"] > 100_000_000
    config = json.loads((Path(summary["model_dir"]) / "config.json").read_text())
    assert "quantization_config" not in config  # dequantised float weights, a plain HF folder
    assert AutoModelForCausalLM.from_pretrained(summary["model_dir"]).config.model_type == "llama"
