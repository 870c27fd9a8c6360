"""Eval drift: when production answers start failing, retrain with RL on the prompts they failed.

The feedback log (``keep_current.feedback.log``; format in :mod:`forge_data.feedback`) is read from
where the last evaluation stopped; the cursor keeps the log's inode and offset and the rolling
window as (offset, passed) pairs, never text. When the window holds at least ``min_entries``
judged answers and its pass rate is below ``threshold`` (95 % by default), the failing prompts are
written to ``<state_dir>/feedback/failing_cases.jsonl`` (``{"prompt", "reference"?}`` per line) and
the ``rl_retrain`` job is requested with the run key ``feedback:<window hash>``.

The RL stage is coupled to this sensor by that file path only (the run also carries it in the
``forge/failing_cases`` tag): the GRPO stage, written separately, is to add the file's prompts to
its own when the file exists.

After a request, the sensor waits for a whole new window of answers before it judges again, so a
pass rate that stays low while the retrained model is not yet serving does not launch a run per
new answer.
"""

import dagster as dg

from assets.resources import ForgeProject
from forge_data import feedback
from forge_data.config import ForgeConfig
from sensors.common import TRIGGER_TAG, default_status, dump_cursor, load_cursor


def _state(cursor: dict) -> tuple[int | None, int, list[feedback.Outcome], int | None]:
    window = [feedback.Outcome(int(o), bool(p)) for o, p in cursor.get("window", [])]
    return cursor.get("inode"), int(cursor.get("offset", 0)), window, cursor.get("since_request")


def build_eval_drift(cfg: ForgeConfig, rl_job) -> dg.SensorDefinition:
    settings = cfg.keep_current.feedback

    @dg.sensor(
        name="eval_drift",
        job=rl_job,
        minimum_interval_seconds=settings.interval_s,
        default_status=default_status(settings),
        description="The rolling pass rate of production answers in the feedback log "
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
        inode, offset, window, since = _state(load_cursor(context.cursor))
        read = feedback.read_new(path, offset, inode, fb.pass_rating)
        if read.restarted:
            window, since = [], None
        window = feedback.roll(window, read.outcomes, fb.window)
        if since is not None:
            since += len(read.outcomes)
        state = {
            "inode": read.inode,
            "offset": read.offset,
            "window": [[o.offset, int(o.passed)] for o in window],
            "since_request": since,
        }
        rate = feedback.pass_rate(window)
        notes = "".join(
            [
                f"; {read.malformed} malformed lines skipped" if read.malformed else "",
                "; the log was replaced, reading it from the start" if read.restarted else "",
            ]
        )
        if len(window) < fb.min_entries:
            reason = f"{len(window)} judged answers so far; a verdict needs {fb.min_entries}{notes}"
            return dg.SensorResult(skip_reason=reason, cursor=dump_cursor(state))
        figures = f"pass rate {rate:.1%} over the last {len(window)} answers (threshold {fb.threshold:.0%})"
        if rate >= fb.threshold:
            return dg.SensorResult(skip_reason=figures + notes, cursor=dump_cursor(state))
        if since is not None and since < fb.window:
            reason = (
                f"{figures}; RL retraining was already requested, judging again after "
                f"{fb.window - since} more answers{notes}"
            )
            return dg.SensorResult(skip_reason=reason, cursor=dump_cursor(state))
        cases = feedback.failing_cases(path, window)
        written = feedback.write_failing_cases(cases, cfg.state_dir)
        key = feedback.window_key(window, read.inode)
        state["since_request"] = 0
        tags = {
            TRIGGER_TAG: "eval-drift",
            "forge/pass_rate": f"{rate:.4f}",
            "forge/failing_cases": str(written),
            "forge/failing_case_count": str(len(cases)),
        }
        context.log.info(f"{figures}: {len(cases)} failing prompts written to {written}")
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=f"feedback:{key}", tags=tags)], cursor=dump_cursor(state)
        )

    return eval_drift
