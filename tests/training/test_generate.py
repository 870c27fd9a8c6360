"""Greedy and sampled answers from a real (tiny, CPT-trained) model: how many, from which seed, and
without moving the caller's random state."""

from __future__ import annotations

import torch

from training.common.generate import generate_answers

PROMPTS = ["The payments team owns", "To restart ledgerd,"]


def _model(cpt_output):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = cpt_output["model_dir"]
    return AutoModelForCausalLM.from_pretrained(folder), AutoTokenizer.from_pretrained(folder)


def test_sampled_answers_come_per_prompt_from_their_seed_and_leave_the_rng_alone(cpt_output):
    model, tokenizer = _model(cpt_output)
    kw = dict(chat=False, max_new_tokens=8, samples=3, temperature=1.0)
    torch.manual_seed(123)
    state = torch.get_rng_state()
    first = generate_answers(model, tokenizer, PROMPTS, seed=5, **kw)
    assert torch.equal(torch.get_rng_state(), state)  # a training run's RNG is where its checkpoint says
    assert len(first) == 6
    assert [a.text for a in generate_answers(model, tokenizer, PROMPTS, seed=5, **kw)] == [
        a.text for a in first
    ]
    others = generate_answers(model, tokenizer, PROMPTS, seed=6, **kw)
    assert [a.text for a in others] != [a.text for a in first]
    assert len({a.text for a in first[:3]}) > 1  # sampled, not three copies of the greedy answer


def test_greedy_is_one_answer_per_prompt_and_repeatable(cpt_output):
    model, tokenizer = _model(cpt_output)
    greedy = generate_answers(model, tokenizer, PROMPTS, chat=False, max_new_tokens=8)
    assert len(greedy) == 2
    assert greedy == generate_answers(model, tokenizer, PROMPTS, chat=False, max_new_tokens=8)
