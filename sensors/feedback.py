"""Eval drift: when production answers start failing, retrain with RL on the prompts they failed.

The feedback log (``keep_current.feedback.log``; format in :mod:`forge_data.feedback`) is read from
where the last evaluation stopped; the cursor keeps the log's inode and offset, the count of
judged answers and the rolling window as (offset, passed) pairs, never text. When the window holds
at least ``min_entries`` judged answers and its pass rate is below ``threshold`` (95 % by
default), the failing prompts are written to ``<state_dir>/feedback/failing_cases.jsonl`` (``{"prompt", "reference"?}`` per line) and
the ``rl_retrain`` job is requested with the run key ``feedback:<window hash>``.

The RL stage is coupled to this sensor by that file path only (the run also carries it in the
``forge/failing_cases`` tag): the GRPO stage, written separately, is to add the file's prompts to
its own when the file exists.

After a request, the sensor waits for a whole new window of answers before it asks again, so a
pass rate that stays low while the retrained model is not yet serving does not launch a run per
new answer. Where retraining is due depends on the log alone
(:class:`forge_data.feedback.RollingPassRate`), so with a lost cursor the sensor re-reads the log,
finds the same point, and names the same run key, which Dagster does not launch twice.
"""

import dagster as dg

from assets.resources import ForgeProject
from forge_data import feedback
from forge_data.config import ForgeConfig
from sensors.common import TRIGGER_TAG, dump_cursor, forge_sensor, load_cursor


def build_eval_drift(cfg: ForgeConfig, rl_job) -> dg.SensorDefinition:
    settings = cfg.keep_current.feedback

    @forge_sensor(
        "eval_drift",
        rl_job,
        settings,
        "The rolling pass rate of production answers in the feedback log "
        "(keep_current.feedback) below its threshold → an RL retraining run with the failing prompts "
        "in <state_dir>/feedback/failing_cases.jsonl, run key feedback:<window hash>.",
    )
    def eval_drift(context: dg.SensorEvaluationContext, project: ForgeProject) -> dg.SensorResult:
        cfg = project.config()
        fb = cfg.keep_current.feedback
        if fb.log is None:
            return dg.SensorResult(skip_reason="no feedback log configured (keep_current.feedback.log)")
        path = cfg.resolve(fb.log)
        if not path.is_file():
            return dg.SensorResult(skip_reason=f"no feedback log at {path} yet", cursor=context.cursor)
        last = load_cursor(context.cursor)
        read = feedback.read_new(path, int(last.get("offset", 0)), last.get("inode"), fb.pass_rating)
        monitor = feedback.RollingPassRate.from_state(
            {} if read.restarted else last, fb.window, fb.min_entries, fb.threshold
        )
        request = monitor.add(read.outcomes)
        cursor = dump_cursor({"inode": read.inode, "offset": read.offset, **monitor.state()})
        notes = "".join(
            [
                f"; {read.malformed} malformed lines skipped" if read.malformed else "",
                "; the log was replaced, reading it from the start" if read.restarted else "",
            ]
        )
        window = monitor.window
        if request is None:
            if len(window) < fb.min_entries:
                reason = f"{len(window)} judged answers so far; a verdict needs {fb.min_entries}"
            else:
                reason = f"pass rate {monitor.rate:.1%} over the last {len(window)} answers (threshold {fb.threshold:.0%})"
                if monitor.rate < fb.threshold:
                    reason += (
                        f"; RL retraining was already requested, judging again after "
                        f"{monitor.answers_until_next_request()} more answers"
                    )
            return dg.SensorResult(skip_reason=reason + notes, cursor=cursor)

        rate = sum(o.passed for o in request.window) / len(request.window)
        cases = feedback.failing_cases(path, request.window)
        written = feedback.write_failing_cases(cases, cfg.state_dir)
        tags = {
            TRIGGER_TAG: "eval-drift",
            "forge/pass_rate": f"{rate:.4f}",
            "forge/failing_cases": str(written),
            "forge/failing_case_count": str(len(cases)),
        }
        context.log.info(
            f"pass rate {rate:.1%} over {len(request.window)} answers: {len(cases)} failing prompts written to {written}"
        )
        run_key = f"feedback:{feedback.window_key(request.window, read.inode)}"
        return dg.SensorResult(run_requests=[dg.RunRequest(run_key=run_key, tags=tags)], cursor=cursor)

    return eval_drift
