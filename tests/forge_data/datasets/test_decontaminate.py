from __future__ import annotations

import pytest

from forge_data.datasets import decontaminate

TRAIN = [
    {"text": "the payments team deploys ledgerd before quasarbus so that the ledgerd queue stays short today"}
]


def test_items_sharing_an_ngram_with_training_are_removed_and_counted():
    eval_rows = [
        {
            "id": "a",
            "text": "we saw that the payments team deploys ledgerd before quasarbus so that the ledgerd queue is ok",
        },
        {
            "id": "b",
            "text": "an unrelated paragraph about the weather in april and the old mill by the river bank",
        },
        {"id": "c", "prompt": "Who deploys ledgerd before quasarbus?", "required": ["payments"]},
        {"id": "d", "messages": [{"role": "user", "content": "Payments team deploys ledgerd"}]},
    ]
    result = decontaminate(eval_rows, TRAIN, n=8)
    assert [r["id"] for r in result.kept] == ["b", "c"]
    assert [r["id"] for r in result.removed] == ["a", "d"]  # d is shorter than n, and inside a training text
    assert result.stats["eval_in"] == 4 and result.stats["eval_removed"] == 2 and result.stats["n"] == 8


def test_default_n_is_13_and_bad_n_is_an_error():
    assert decontaminate([{"text": "x"}], TRAIN).stats["n"] == 13
    with pytest.raises(ValueError):
        decontaminate([], TRAIN, n=0)
