"""The demo succeeds when only the model gates refused its tiny model; anything else fails it."""

from __future__ import annotations

from assets.runner import describe_failures
from forge_data.cli._report import render
from forge_data.cli.demo import demo_outcome


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
