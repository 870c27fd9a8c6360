from __future__ import annotations

from forge_data.datasets import read_dataset
from tests.training.synthetic import GENERIC, GLOSSARY
from training.common.reporter import Reporter
from training.models import load_tokenizer
from training.tokenizer import (
    FIM_TOKENS,
    TokenizerRun,
    mine_domain_terms,
    run,
    tokens_per_word,
    train_bpe,
)


def test_trained_tokenizer_beats_bytes_on_held_out_domain_text(tokenizer_dir, data_dir):
    tok = load_tokenizer(tokenizer_dir)
    heldout = [r["text"] for r in read_dataset(data_dir / "heldout.jsonl")]
    after = tokens_per_word(heldout, tok)
    assert after < tokens_per_word(heldout) / 3  # BPE merges the domain's words, bytes do not
    # the domain's own words became single tokens
    assert len(tok.tokenize(" ledgerd")) == 1
    assert len(tok) <= 512


def test_chat_template_masks_assistant_turns_and_fim_tokens_exist(tokenizer_dir):
    tok = load_tokenizer(tokenizer_dir)
    msgs = [
        {"role": "user", "content": "How do I restart ledgerd?"},
        {"role": "assistant", "content": "Drain it first."},
    ]
    out = tok.apply_chat_template(msgs, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    ids, mask = out["input_ids"], out["assistant_masks"]
    learned = tok.decode([i for i, m in zip(ids, mask, strict=True) if m])
    assert learned == "Drain it first.<|im_end|>"  # the answer and its end-of-turn token, nothing else
    for t in FIM_TOKENS:
        assert len(tok.tokenize(t)) == 1
    assert tok.eos_token == "<|endoftext|>" and tok.pad_token == "<|pad|>"


def test_extend_a_base_tokenizer_with_mined_domain_terms(tmp_path, data_dir):
    # A "generic" base: BPE trained on generic prose only, saved as an HF folder.
    base = train_bpe([GENERIC] * 20, vocab_size=300, min_frequency=2)
    base.save_pretrained(tmp_path / "base")
    terms = mine_domain_terms([r["text"] for r in read_dataset(data_dir / "cpt_train.jsonl")], base, k=50)
    assert set(GLOSSARY) <= set(terms)

    cfg = TokenizerRun(
        output_dir=str(tmp_path / "out"),
        train_files=[str(data_dir / "cpt_train.jsonl")],
        heldout_files=[str(data_dir / "heldout.jsonl")],
        tokenizer={"base": str(tmp_path / "base"), "domain_terms": 50},
    )
    summary = run(cfg, Reporter("tokenizer"))
    assert summary["mode"] == "extend" and summary["tokens_per_word"]["baseline"] == "base"
    assert summary["tokens_per_word"]["after"] < summary["tokens_per_word"]["before"]
    extended = load_tokenizer(tmp_path / "out" / "tokenizer")
    assert len(extended) > len(base)
    text = "the payments team drains ledgerd"
    assert extended.decode(extended(text)["input_ids"]) == text  # the added terms round-trip
