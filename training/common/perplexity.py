"""Held-out perplexity and bits per byte.

Texts are tokenised, joined with EOS and cut into non-overlapping windows of ``seq_len`` tokens
(the way the model was trained). Perplexity depends on the tokenizer; bits per byte does not, so
it is the figure to compare across tokenizers (a base model against one with an extended
vocabulary).
"""

from __future__ import annotations

import math

import torch


@torch.no_grad()
def perplexity(
    model, tokenizer, texts: list[str], *, seq_len: int, max_tokens: int = 100_000, batch_size: int = 8
):
    """{"perplexity", "loss", "bits_per_byte", "tokens", "bytes"} of ``model`` on ``texts``."""
    ids: list[int] = []
    nbytes = 0
    for text, encoded in zip(texts, tokenizer(texts, add_special_tokens=False)["input_ids"], strict=True):
        if len(ids) >= max_tokens:
            break
        ids.extend(encoded + [tokenizer.eos_token_id])
        nbytes += len(text.encode("utf-8"))
    if len(ids) < 2:
        raise ValueError("perplexity needs at least two tokens of text")
    kept = min(len(ids), max_tokens)
    nbytes = round(nbytes * kept / len(ids))  # bytes of the part scored, pro rata
    ids = ids[:kept]
    windows = [ids[i : i + seq_len] for i in range(0, len(ids) - 1, seq_len)]
    windows = [w for w in windows if len(w) >= 2]

    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    total_nll, total_tokens = 0.0, 0
    for start in range(0, len(windows), batch_size):
        batch = windows[start : start + batch_size]
        width = max(len(w) for w in batch)
        input_ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
        labels = torch.full((len(batch), width), -100, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, window in enumerate(batch):
            input_ids[row, : len(window)] = torch.tensor(window)
            labels[row, : len(window)] = torch.tensor(window)
            mask[row, : len(window)] = 1
        logits = model(input_ids=input_ids.to(device), attention_mask=mask.to(device)).logits.float()
        nll = torch.nn.functional.cross_entropy(
            logits[:, :-1].reshape(-1, logits.shape[-1]),
            labels[:, 1:].reshape(-1).to(device),
            reduction="sum",
        )
        total_nll += nll.item()
        total_tokens += int((labels[:, 1:] != -100).sum())
    model.train(was_training)
    loss = total_nll / total_tokens
    return {
        "perplexity": round(math.exp(loss), 4),
        "loss": round(loss, 6),
        "bits_per_byte": round(total_nll / math.log(2) / nbytes, 6),
        "tokens": total_tokens,
        "bytes": nbytes,
    }
