"""The reward scorecard applied to a model: its corpus vocabulary, prompt rows, and the mean reward of its
greedy (or sampled) answers. Shared by GRPO (reward before and after) and evaluation (reward on the eval
prompts)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from forge_data.config import ScorecardConfig
from forge_data.datasets import read_dataset
from forge_data.rewards import Scorecard, Vocabulary
from training.common.generate import Answer, generate_answers


def row_texts(row: dict[str, Any]) -> Iterable[str]:
    """Every piece of text a dataset row carries (CPT text, conversation turns, prompts, answers)."""
    for key in ("text", "prompt", "reference", "chosen"):
        if isinstance(row.get(key), str):
            yield row[key]
    for message in row.get("messages") or []:
        if isinstance(message, dict) and isinstance(message.get("content"), str):
            yield message["content"]


def load_scorecard(cfg: ScorecardConfig, corpus_files: Iterable[str]) -> Scorecard:
    """The scorecard, with the reference corpus (what the model trained on) for the hallucination check."""
    vocab = Vocabulary()
    for path in corpus_files:
        for row in read_dataset(path):
            for text in row_texts(row):
                vocab.add(text)
    return Scorecard(cfg, vocab)


def score_answers(
    card: Scorecard, rows: list[dict[str, Any]], answers: list[Answer]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the scorecard's report, one ``{prompt, output, reward}`` per row) for answers to ``rows``' prompts."""
    scores = [
        card.score(a.text, prompt=r["prompt"], reference=r.get("reference"), truncated=not a.finished)
        for r, a in zip(rows, answers, strict=True)
    ]
    per_row = [
        {"prompt": r["prompt"], "output": a.text, "reward": s.as_dict()}
        for r, a, s in zip(rows, answers, scores, strict=True)
    ]
    return card.report(scores), per_row


def mean_reward(
    card: Scorecard,
    model,
    tokenizer,
    rows: list[dict[str, Any]],
    *,
    chat: bool,
    max_new_tokens: int,
    samples: int = 0,
    temperature: float = 1.0,
    seed: int = 0,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Answers to ``rows`` (``{prompt, reference?}``) scored by ``card``: (report, per-answer results).

    Greedy, one answer per row; or ``samples`` answers per row drawn at ``temperature`` from ``seed``,
    whose mean is the expected reward of the policy as GRPO samples it (the report then says how it
    was drawn). Greedy answers of a small, high-entropy model can flip between a fact and a loop on
    a tiny change of weights; the sampled mean moves with the policy."""
    answers = generate_answers(
        model,
        tokenizer,
        [r["prompt"] for r in rows],
        chat=chat,
        max_new_tokens=max_new_tokens,
        samples=samples,
        temperature=temperature,
        seed=seed,
    )
    repeated = [r for r in rows for _ in range(max(samples, 1))]
    report, per_answer = score_answers(card, repeated, answers)
    if samples:
        report = {
            **report,
            "decoding": {"samples_per_prompt": samples, "temperature": temperature, "seed": seed},
        }
    else:
        report = {**report, "decoding": "greedy"}
    return report, per_answer
