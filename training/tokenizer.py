"""Tokenizer stage: train a byte-level BPE on the curated corpus, or extend a base tokenizer with
domain terms mined from it; report tokens per word on held-out domain text before and after.

    python -m training.tokenizer --config tokenizer.json

Config (TokenizerRun): ``output_dir``, ``train_files`` (JSONL/Parquet rows with text, e.g. the
CPT corpus), ``heldout_files`` (the CPT eval split), ``tokenizer`` (forge.yaml's
TokenizerConfig: vocab_size, min_frequency, base, domain_terms).

Writes ``<output_dir>/tokenizer/`` (an HF tokenizer folder with a ChatML chat template whose
assistant turns carry ``{% generation %}`` markers, so SFT can learn the answers only) and
``<output_dir>/summary.json``.

"Before" is the base tokenizer when extending; when training from scratch there is no
tokenizer to compare with offline, so the baseline is byte-level BPE with no merges (one token
per UTF-8 byte) — the starting point BPE improves on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from forge_data.config import TokenizerConfig
from forge_data.datasets import read_dataset, row_text
from forge_data.datasets.common import unit_interval
from training.common.cli import StageError, main
from training.common.config import RunConfig
from training.common.reporter import Reporter

EOS, PAD = "<|endoftext|>", "<|pad|>"
CHAT_TOKENS = ["<|im_start|>", "<|im_end|>"]
FIM_TOKENS = ["<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>"]
SPECIAL_TOKENS = [EOS, PAD, *CHAT_TOKENS, *FIM_TOKENS]

# ChatML. The end-of-turn token sits inside {% generation %} so assistant-only loss teaches stopping.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if message['role'] == 'assistant' -%}"
    "{{ '<|im_start|>assistant\\n' }}{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}"
    "{{ '\\n' }}"
    "{%- else -%}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)

HOLDOUT_FRACTION = 0.05  # of the training texts, when no held-out file is given

# Identifiers and words worth a token of their own: letters first, then letters, digits, _ or -.
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{3,40}")


class TokenizerRun(RunConfig):
    train_files: list[str]
    heldout_files: list[str] = []
    tokenizer: TokenizerConfig = TokenizerConfig()


def read_texts(files: Iterable[str]) -> list[str]:
    """Unique texts from dataset files (CPT rows repeat documents to mix kinds; counting them once is fairer)."""
    seen, texts = set(), []
    for file in files:
        for row in read_dataset(file):
            text = row_text(row)
            if text and text not in seen:
                seen.add(text)
                texts.append(text)
    return texts


def train_bpe(texts: list[str], vocab_size: int, min_frequency: int):
    """A byte-level BPE (GPT-2 pre-tokenisation) with chat and FIM special tokens, as an HF fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        eos_token=EOS,
        pad_token=PAD,
        additional_special_tokens=CHAT_TOKENS + FIM_TOKENS,
        chat_template=CHAT_TEMPLATE,
    )


def mine_domain_terms(texts: list[str], base, k: int, min_frequency: int = 2) -> list[str]:
    """The k terms whose own token would save the most tokens: frequency × (pieces the base needs − 1)."""
    counts = Counter(m.group(0) for text in texts for m in _TERM.finditer(text))
    vocab = base.get_vocab()
    scored = []
    for term, freq in counts.items():
        if freq < min_frequency or f" {term}" in vocab:
            continue
        pieces = len(base.tokenize(f" {term}"))
        if pieces > 1:
            scored.append((freq * (pieces - 1), term))
    return [term for _, term in sorted(scored, key=lambda s: (-s[0], s[1]))[:k]]


def extend_tokenizer(base, terms: list[str]):
    """Add each term as a token that includes its leading space (how it appears mid-sentence), plus
    the bare term for line starts; give the base our chat template if it has none."""
    from tokenizers import AddedToken

    base.add_tokens([AddedToken(f" {t}", normalized=False) for t in terms])
    base.add_tokens([AddedToken(t, normalized=False, single_word=True) for t in terms])
    if not base.chat_template:
        base.add_special_tokens({"additional_special_tokens": CHAT_TOKENS})
        base.chat_template = CHAT_TEMPLATE
    return base


def tokens_per_word(texts: list[str], tokenizer=None) -> float:
    """Tokens per whitespace-separated word; ``tokenizer=None`` counts UTF-8 bytes (byte-level, no merges)."""
    words = sum(len(t.split()) for t in texts)
    if words == 0:
        raise StageError("the held-out text has no words to measure tokens per word on")
    if tokenizer is None:
        tokens = sum(len(t.encode("utf-8")) for t in texts)
    else:
        tokens = sum(len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"])
    return tokens / words


def run(cfg: TokenizerRun, reporter: Reporter) -> dict[str, Any]:
    from training.models import load_tokenizer

    texts = read_texts(cfg.train_files)
    if cfg.heldout_files:
        heldout = read_texts(cfg.heldout_files)
    else:  # hold some texts back ourselves, so "after" is never measured on what the tokenizer saw
        heldout = [t for t in texts if unit_interval("tokenizer-heldout", t) < HOLDOUT_FRACTION]
        texts = [t for t in texts if unit_interval("tokenizer-heldout", t) >= HOLDOUT_FRACTION]
    if not texts or not heldout:
        raise StageError("the training files need enough text for both training and a held-out measure")
    settings = cfg.tokenizer
    if settings.base:
        base = load_tokenizer(settings.base)
        before, baseline = tokens_per_word(heldout, base), "base"
        terms = mine_domain_terms(texts, base, settings.domain_terms, settings.min_frequency)
        tokenizer = extend_tokenizer(base, terms)
        reporter.log(f"extended the base with {len(terms)} domain terms")
    else:
        before, baseline, terms = tokens_per_word(heldout), "bytes", []
        tokenizer = train_bpe(texts, settings.vocab_size, settings.min_frequency)
        reporter.log(f"trained byte-level BPE with {len(tokenizer)} tokens on {len(texts)} texts")
    after = tokens_per_word(heldout, tokenizer)
    folder = Path(cfg.output_dir) / "tokenizer"
    tokenizer.save_pretrained(folder)
    return {
        "tokenizer_dir": str(folder),
        "mode": "extend" if settings.base else "train",
        "vocab_size": len(tokenizer),
        "train_texts": len(texts),
        "heldout_texts": len(heldout),
        "heldout_from": "heldout_files" if cfg.heldout_files else f"{HOLDOUT_FRACTION:.0%} of train_files",
        "tokens_per_word": {"baseline": baseline, "before": round(before, 4), "after": round(after, 4)},
        "tokens_per_word_gain": round(before / after, 4),
        "domain_terms_added": len(terms),
        "domain_terms_sample": terms[:20],
    }


if __name__ == "__main__":
    raise SystemExit(main("tokenizer", TokenizerRun, run))
