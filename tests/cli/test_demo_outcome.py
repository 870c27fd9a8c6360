"""The demo succeeds when only the model gates refused its tiny model; anything else fails it."""

from __future__ import annotations

import pytest

from assets.runner import describe_failures
from forge_data.cli._report import render
from forge_data.cli.common import CliError
from forge_data.cli.demo import demo_outcome, sample_in


def _summary(ok: bool, checks: list[str], steps: list[str] = ()) -> dict:
    """A pipeline summary as assets.runner writes it for these failed checks and steps."""
    return {
        "project": "acme",
        "ok": ok,
        "problems": describe_failures(checks, list(steps)),
        "failed": {"checks": checks, "steps": list(steps)},
        "stages": {},
        "model": {},
    }


def test_a_gate_that_blocks_the_model_is_the_demo_working():
    out = demo_outcome(_summary(False, ["acceptance_gate"]))
    assert out["ok"] is True and out["pipeline_ok"] is False
    text = render(out)
    assert "model blocked by its evaluation gate" in text and "! check acceptance_gate failed" in text


def test_any_other_failure_fails_the_demo():
    for checks, steps in (
        (["no_residual_pii"], []),
        (["acceptance_gate"], ["cpt_model"]),
        ([], []),
    ):
        out = demo_outcome(_summary(False, checks, steps))
        assert out["ok"] is False and "gate_note" not in out
        assert render(out).startswith("Forge pipeline for acme: FAILED")
    assert demo_outcome(_summary(True, [])) == _summary(True, [])


def test_a_second_demo_reuses_its_sample_and_refuses_another_seed(tmp_path):
    first = sample_in(tmp_path, seed=3)
    files = sorted(p for p in (tmp_path / "sample").rglob("*") if p.is_file())
    again = sample_in(tmp_path, seed=3)  # `make demo` twice: no "folder exists" crash
    assert again.seed == 3 and again.files == first.files
    assert sorted(p for p in (tmp_path / "sample").rglob("*") if p.is_file()) == files
    with pytest.raises(CliError, match="seed 3, not 4: pass --fresh"):
        sample_in(tmp_path, seed=4)


def test_the_report_shows_each_trained_stage_before_and_after():
    summary = {
        **_summary(True, []),
        "training": [
            {"stage": "cpt", "figure": "held-out perplexity", "before": 4102.8393, "after": 56.7544},
            {"stage": "grpo", "figure": "held-out reward (sampled)", "before": -0.327, "after": 0.2212},
        ],
    }
    text = render(summary)
    assert "  CPT held-out perplexity 4103 → 56.75" in text
    assert "  GRPO held-out reward (sampled) -0.327 → 0.2212" in text
