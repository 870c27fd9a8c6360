"""Generation in batches, with or without the chat template; shared by evaluation, GRPO and serving.

Greedy by default (what evaluation and serving answer); ``samples`` answers per prompt drawn at a
``temperature`` estimate what a policy is rewarded for on average, the quantity GRPO raises."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Answer:
    text: str
    finished: bool  # ended with the end-of-sequence token, not cut off at max_new_tokens


def render(tokenizer, prompt: str, chat: bool) -> str:
    """The text the model sees: a one-turn conversation awaiting the assistant, or the raw prompt."""
    if not chat:
        return prompt
    messages = [{"role": "user", "content": prompt}]
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)


def generate(
    model, tokenizer, prompts: list[str], *, chat: bool, max_new_tokens: int, batch_size: int = 8
) -> list[str]:
    """Greedy continuations (decoded, special tokens dropped) of ``prompts``, in order."""
    answers = generate_answers(
        model, tokenizer, prompts, chat=chat, max_new_tokens=max_new_tokens, batch_size=batch_size
    )
    return [a.text for a in answers]


@torch.no_grad()
def generate_answers(
    model,
    tokenizer,
    prompts: list[str],
    *,
    chat: bool,
    max_new_tokens: int,
    batch_size: int = 8,
    samples: int = 0,
    temperature: float = 1.0,
    seed: int = 0,
) -> list[Answer]:
    """Continuations of ``prompts``, in order, each saying whether it finished on its own: one greedy
    answer per prompt, or with ``samples`` > 0 that many sampled ones per prompt (prompt by prompt),
    drawn from ``seed`` without disturbing the caller's random state (a training run's RNG stays
    where its checkpoint will say it is)."""
    if not samples:
        return _generate(model, tokenizer, prompts, chat, max_new_tokens, batch_size, {"do_sample": False})
    device = next(model.parameters()).device
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        sampling = {"do_sample": True, "temperature": temperature, "top_k": 0, "top_p": 1.0}
        repeated = [p for p in prompts for _ in range(samples)]
        return _generate(model, tokenizer, repeated, chat, max_new_tokens, batch_size, sampling)


def _generate(model, tokenizer, prompts, chat, max_new_tokens, batch_size, decoding) -> list[Answer]:
    was_training, side = model.training, tokenizer.padding_side
    model.eval()
    tokenizer.padding_side = "left"  # decoder-only models continue from the right edge
    device = next(model.parameters()).device
    outputs: list[Answer] = []
    try:
        for start in range(0, len(prompts), batch_size):
            texts = [render(tokenizer, p, chat) for p in prompts[start : start + batch_size]]
            batch = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(device)
            ids = model.generate(
                **batch,
                **decoding,
                max_new_tokens=max_new_tokens,
                pad_token_id=tokenizer.pad_token_id,
            )
            new = ids[:, batch["input_ids"].shape[1] :]
            texts = tokenizer.batch_decode(new, skip_special_tokens=True)
            ends = [_finished(row, tokenizer, model) for row in new.tolist()]
            outputs.extend(Answer(t, e) for t, e in zip(texts, ends, strict=True))
    finally:
        tokenizer.padding_side = side
        model.train(was_training)
    return outputs


def _finished(ids: list[int], tokenizer, model) -> bool:
    stops = model.generation_config.eos_token_id
    stops = set(stops if isinstance(stops, list) else [stops]) | {tokenizer.eos_token_id}
    return any(i in stops for i in ids if i is not None)
