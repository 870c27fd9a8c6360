"""Blocking checks on the evaluation: a model that fails them is never registered."""

import dagster as dg

from assets.resources import ForgeProject
from forge_data.tables import read_json

EVALUATION = dg.AssetKey("model_evaluation")

# Shown with every check in the UI, so a steward sees what a failure holds back.
STOPS_REGISTRATION = " Blocking: when it fails, registered_model does not run and nothing is registered."


def _summary(project: ForgeProject) -> dict:
    current = project.workspace().training("evaluate") / "current.json"
    if not current.is_file():
        raise dg.Failure("model_evaluation has not run: nothing to gate")
    return read_json(current)["summary"]


@dg.asset_check(
    asset=EVALUATION,
    blocking=True,
    description="Acceptance tests (prompt → required and forbidden content) pass at or above training.eval.gate."
    + STOPS_REGISTRATION,
)
def acceptance_gate(project: ForgeProject) -> dg.AssetCheckResult:
    acceptance = _summary(project).get("acceptance") or {}
    gate = project.config().training.eval.gate
    if not acceptance.get("cases"):
        return dg.AssetCheckResult(
            passed=gate == 0,
            description="no acceptance tests configured (training.eval.acceptance)",
            metadata={"gate": gate},
        )
    rate = float(acceptance["pass_rate"])
    return dg.AssetCheckResult(
        passed=rate >= gate,
        description=f"acceptance pass rate {rate:.0%} against a gate of {gate:.0%}",
        metadata={
            "pass_rate": rate,
            "gate": gate,
            "cases": acceptance["cases"],
            "passed": acceptance["passed"],
        },
    )


@dg.asset_check(
    asset=EVALUATION,
    blocking=True,
    description="No canary string planted in the raw data (and removed by redaction) is reproduced by the model."
    + STOPS_REGISTRATION,
)
def no_memorized_canaries(project: ForgeProject) -> dg.AssetCheckResult:
    memo = _summary(project).get("memorization") or {}
    if not memo.get("canaries"):
        return dg.AssetCheckResult(passed=True, description="no canaries configured (training.eval.canaries)")
    return dg.AssetCheckResult(
        passed=bool(memo.get("passed")),
        description=f"{memo.get('leaked', 0)} of {memo['canaries']} canaries reproduced",
        metadata={k: memo[k] for k in ("canaries", "leaked", "max_match_fraction") if k in memo},
    )


MODEL_CHECKS = [acceptance_gate, no_memorized_canaries]
