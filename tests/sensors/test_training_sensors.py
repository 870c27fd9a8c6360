"""Data drift, eval drift and stale models → retraining, on a real store, registry and feedback log."""

import json

import dagster as dg

from forge_data.config import load
from forge_data.registry import mark_stale
from forge_data.schema import make_record, records_table
from forge_data.steps.publish import RECORDS_PREFIX
from forge_data.store.embedded import EmbeddedStore
from forge_data.store.factory import write_table
from tests.sensors.conftest import evaluate, register


def _store(project) -> EmbeddedStore:
    cfg = load(project.config)
    return EmbeddedStore(cfg.resolve(cfg.store.path))


def _publish(store: EmbeddedStore, branch: str, texts: list[str]) -> str:
    rows = [
        make_record(kind="doc", source="wiki", uri=f"p{i}.md", text=t, language="en")
        for i, t in enumerate(texts)
    ]
    store.create_branch(branch, source="main", exist_ok=True)
    write_table(store, branch, f"{RECORDS_PREFIX}wiki.parquet", records_table(rows))
    store.commit(branch, branch)
    return store.merge(branch, "main").id


OLD = [f"runbook {i}: restart the ledger queue and page the payments team" for i in range(40)]
NEW = OLD + [f"zephyrcore {i}: flash the zephyrcore bootloader over canbus" for i in range(30)]


def test_data_drift_fires_retraining_when_a_threshold_is_exceeded(project):
    store = _store(project)
    trained_on = _publish(store, "run-1", OLD)
    model = register(project, trained_on)
    defs = project.defs()
    with dg.instance_for_test() as instance:
        same = evaluate(defs, "data_drift", instance)
        assert same.run_requests == []
        assert same.skip_message == f"acme/v1 is trained on main's head {trained_on[:12]}"

        head = _publish(store, "run-2", NEW)
        fired = evaluate(defs, "data_drift", instance, same.cursor)
        (request,) = fired.run_requests
        assert request.run_key == f"drift:{head}"
        assert request.tags["forge/model"] == model.ref and request.tags["forge/trigger"] == "data-drift"
        assert "new_term_share" in request.tags["forge/drift_exceeded"].split(",")
        assert float(request.tags["forge/drift_new_term_share"]) > 0.05
        job = defs.get_repository_def().get_sensor_def("data_drift").job_name
        assert job == "retrain"
        selected = defs.resolve_job_def(job).asset_layer.selected_asset_keys
        assert {dg.AssetKey("cpt_model"), dg.AssetKey("model_evaluation")} <= selected

        # The pair was measured: a second look does not measure it again or request anything new.
        again = evaluate(defs, "data_drift", instance, fired.cursor)
        assert again.run_requests == [] and "already measured, retraining requested" in again.skip_message


def test_data_drift_below_thresholds_skips_quoting_the_figures(project):
    store = _store(project)
    trained_on = _publish(store, "run-1", OLD)
    register(project, trained_on)
    _publish(store, "run-2", OLD + ["runbook 99: restart the ledger queue and page the payments team"])
    defs = project.defs()
    with dg.instance_for_test() as instance:
        result = evaluate(defs, "data_drift", instance)
        assert result.run_requests == []
        message = result.skip_message
        assert message.startswith("no drift worth retraining acme/v1 for: 40 → 41 records (+1 −0); ")
        for words in (
            "word distribution divergence",
            "share of new frequent terms",
            "length distribution shift",
        ):
            assert words in message
        assert "language mix shift 0.000 (max 0.100)" in message and "EXCEEDED" not in message


def test_data_drift_without_a_model_says_so(project):
    with dg.instance_for_test() as instance:
        result = evaluate(project.defs(), "data_drift", instance)
        assert result.skip_message == "no active model named acme in the registry: nothing to compare against"


def _feedback(path, outcomes: list[bool], start: int = 0) -> None:
    with path.open("a") as fh:
        for i, passed in enumerate(outcomes, start):
            entry = {
                "time": f"2025-01-01T00:{i % 60:02d}:00Z",
                "prompt": f"question {i}",
                "answer": "...",
                "model": "acme/v1",
            }
            entry.update({"passed": passed} if i % 2 else {"rating": 5 if passed else 1})
            fh.write(json.dumps(entry) + "\n")


def test_eval_drift_requests_rl_with_the_failing_cases(project):
    log = project.root / "feedback.jsonl"
    project.write(feedback={"log": "feedback.jsonl", "window": 20, "min_entries": 10})
    defs = project.defs()
    with dg.instance_for_test() as instance:
        missing = evaluate(defs, "eval_drift", instance)
        assert missing.skip_message == f"no feedback log at {log} yet"

        _feedback(log, [True] * 8)
        few = evaluate(defs, "eval_drift", instance)
        assert few.skip_message == "8 judged answers so far; a verdict needs 10"

        _feedback(log, [True] * 11 + [False], start=8)  # 19 of 20 pass: 95 %, not below the threshold
        fine = evaluate(defs, "eval_drift", instance, few.cursor)
        assert fine.skip_message == "pass rate 95.0% over the last 20 answers (threshold 95%)"

        _feedback(log, [False, False], start=20)  # due at the first of them: 18 of the last 20 pass
        fired = evaluate(defs, "eval_drift", instance, fine.cursor)
        (request,) = fired.run_requests
        assert request.run_key.startswith("feedback:") and request.tags["forge/pass_rate"] == "0.9000"
        cases_file = load(project.config).state_dir / "feedback" / "failing_cases.jsonl"
        assert request.tags["forge/failing_cases"] == str(cases_file)
        cases = [json.loads(line) for line in cases_file.read_text().splitlines()]
        assert cases == [{"prompt": "question 19"}, {"prompt": "question 20"}]
        assert defs.get_repository_def().get_sensor_def("eval_drift").job_name == "rl_retrain"

        # Still failing while the retrained model is not serving: no run per new answer.
        _feedback(log, [False], start=22)
        waiting = evaluate(defs, "eval_drift", instance, fired.cursor)
        assert waiting.run_requests == []
        assert waiting.skip_message == (
            "pass rate 80.0% over the last 20 answers (threshold 95%); "
            "RL retraining was already requested, judging again after 18 more answers"
        )

        # A lost cursor re-reads the whole log and finds the same request, under the same run key.
        lost = evaluate(defs, "eval_drift", instance)
        assert [r.run_key for r in lost.run_requests] == [request.run_key]
        assert lost.cursor == waiting.cursor


def test_eval_drift_without_a_log_configured(project):
    with dg.instance_for_test() as instance:
        result = evaluate(project.defs(), "eval_drift", instance)
        assert result.skip_message == "no feedback log configured (keep_current.feedback.log)"


def test_a_stale_model_is_retrained_once_and_a_replaced_one_not_at_all(project):
    store = _store(project)
    commit = _publish(store, "run-1", OLD)
    register(project, commit)
    defs = project.defs()
    with dg.instance_for_test() as instance:
        nothing = evaluate(defs, "stale_models", instance)
        assert nothing.skip_message == "no stale model to retrain (1 versions of acme)"

        registry = load(project.config).state_dir / "registry"
        mark_stale(registry, "acme", "v1", "forge forget removed 2 documents it was trained on")
        fired = evaluate(defs, "stale_models", instance, nothing.cursor)
        assert [r.run_key for r in fired.run_requests] == ["stale:acme/v1"]
        assert fired.run_requests[0].tags["forge/trigger"] == "deletion"
        assert defs.get_repository_def().get_sensor_def("stale_models").job_name == "retrain"

        again = evaluate(defs, "stale_models", instance, fired.cursor)
        assert (
            again.run_requests == []
            and again.skip_message == "acme/v1 is stale and its retraining was already requested"
        )

        register(project, commit + "-retrained")
        replaced = evaluate(defs, "stale_models", instance)
        assert replaced.run_requests == []
        assert (
            replaced.skip_message
            == "no stale model to retrain (2 versions of acme; 1 stale versions already replaced by acme/v2)"
        )
