"""The feedback log reader and the rolling pass rate, on real log files."""

import json
import os

from forge_data import feedback
from forge_data.feedback import Outcome


def _line(prompt: str, **judgement) -> str:
    return json.dumps(
        {"time": "2025-01-01T00:00:00Z", "prompt": prompt, "answer": "...", "model": "m/v1", **judgement}
    )


def _append(path, *lines: str, newline: bool = True) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + ("\n" if newline else ""))


def test_verdict_prefers_acceptance_results_over_ratings():
    assert feedback.verdict({"passed": True, "rating": 1}, 4) is True
    assert feedback.verdict({"passed": False}, 4) is False
    assert feedback.verdict({"rating": 4}, 4) is True
    assert feedback.verdict({"rating": 3.5}, 4) is False
    assert feedback.verdict({"rating": 1}, 1) is True  # thumbs up/down as 1/0
    assert feedback.verdict({"rating": True}, 1) is None  # a boolean is not a rating
    assert feedback.verdict({"passed": "yes"}, 4) is None
    assert feedback.verdict({}, 4) is None


def test_read_new_reads_only_complete_lines_appended_since_the_offset(tmp_path):
    log = tmp_path / "feedback.jsonl"
    _append(log, _line("a", passed=True), _line("b", rating=2), "not json", "[1, 2]", _line("c"))
    first = feedback.read_new(log, 0, None, pass_rating=4)
    assert [o.passed for o in first.outcomes] == [True, False]
    assert (first.malformed, first.unrated) == (2, 1)
    assert first.offset == log.stat().st_size
    assert first.outcomes[0].offset == 0

    # A line still being written is left for later; nothing already read comes back.
    _append(log, _line("d", passed=False))
    _append(log, _line("e", passed=True)[:20], newline=False)
    second = feedback.read_new(log, first.offset, first.inode, pass_rating=4)
    assert [o.passed for o in second.outcomes] == [False]
    assert not second.restarted
    with log.open("rb") as fh:
        fh.seek(second.outcomes[0].offset)
        assert json.loads(fh.readline())["prompt"] == "d"

    _append(log, _line("e", passed=True)[20:])
    third = feedback.read_new(log, second.offset, second.inode, pass_rating=4)
    assert [o.passed for o in third.outcomes] == [True]
    assert third.offset == log.stat().st_size


def test_a_replaced_or_truncated_log_is_read_from_the_start(tmp_path):
    log = tmp_path / "feedback.jsonl"
    _append(log, *[_line(str(i), passed=True) for i in range(5)])
    read = feedback.read_new(log, 0, None, 4)
    rotated = tmp_path / "new.jsonl"
    _append(rotated, _line("x", passed=False))
    os.replace(rotated, log)  # logrotate-style: a new file under the old name
    again = feedback.read_new(log, read.offset, read.inode, 4)
    assert again.restarted and [o.passed for o in again.outcomes] == [False]

    log.write_text(_line("y", passed=True) + "\n")  # truncated in place, same inode
    small = feedback.read_new(log, read.offset, again.inode, 4)
    assert small.restarted and small.inode == again.inode
    assert [o.passed for o in small.outcomes] == [True]


def test_rolling_pass_rate_requests_once_per_window():
    monitor = feedback.RollingPassRate(size=5, min_entries=3, threshold=0.8)
    assert monitor.add([Outcome(0, True), Outcome(10, False)]) is None  # too few to judge
    request = monitor.add([Outcome(20, True), Outcome(30, True)])  # due at the third: 2 of 3 pass
    assert request is not None and request.judged == 3
    assert [o.offset for o in request.window] == [0, 10, 20]
    # Still below, but the request was 3 answers ago: nothing until a whole window has passed.
    assert monitor.add([Outcome(40, True), Outcome(50, False)]) is None
    assert monitor.rate == 0.6 and monitor.answers_until_next_request() == 2
    assert monitor.add([Outcome(60, False)]) is None
    again = monitor.add([Outcome(70, False)])
    assert (
        again is not None and again.judged == 8 and [o.offset for o in again.window] == [30, 40, 50, 60, 70]
    )
    assert monitor.answers_until_next_request() == 5


def test_rolling_pass_rate_decides_the_same_in_pieces_and_in_one_go_and_through_its_state():
    outcomes = [Outcome(i, (i * 7) % 10 < 8) for i in range(200)]
    whole = feedback.RollingPassRate(size=20, min_entries=10, threshold=0.85)
    points = []
    for o in outcomes:
        r = whole.add([o])
        if r:
            points.append(r.judged)
    assert points, "the sequence was meant to fall below the threshold"

    pieces = feedback.RollingPassRate(size=20, min_entries=10, threshold=0.85)
    found = []
    for start in range(0, 200, 37):
        # Through the cursor's JSON state every time, as the sensor does.
        state = json.loads(json.dumps(pieces.state()))
        pieces = feedback.RollingPassRate.from_state(state, 20, 10, 0.85)
        r = pieces.add(outcomes[start : start + 37])
        if r:
            found.append(r.judged)
    # A piece reports its latest point only; every reported point is one of the answer-by-answer points.
    assert set(found) <= set(points) and found[-1] == points[-1]
    assert pieces.state() == whole.state()


def test_window_key_names_exactly_its_answers():
    window = [Outcome(i * 10, i != 4) for i in range(3, 8)]
    key = feedback.window_key(window, inode=7)
    assert feedback.window_key(list(window), inode=7) == key
    assert feedback.window_key(window[1:] + [Outcome(80, True)], inode=7) != key
    assert feedback.window_key(window, inode=8) != key


def test_failing_cases_are_read_back_by_offset_and_written_whole(tmp_path):
    log = tmp_path / "feedback.jsonl"
    _append(
        log,
        _line("How do I restart ledgerd?", passed=False, reference="systemctl restart ledgerd"),
        _line("Who owns billing?", passed=True),
        _line("How do I restart ledgerd?", rating=1),
        _line("What is the on-call rota?", rating=2),
    )
    read = feedback.read_new(log, 0, None, pass_rating=4)
    cases = feedback.failing_cases(log, read.outcomes)
    assert cases == [
        {"prompt": "How do I restart ledgerd?", "reference": "systemctl restart ledgerd"},
        {"prompt": "What is the on-call rota?"},
    ]
    path = feedback.write_failing_cases(cases, tmp_path / "state")
    assert path == tmp_path / "state" / "feedback" / "failing_cases.jsonl"
    assert [json.loads(line) for line in path.read_text().splitlines()] == cases
    feedback.write_failing_cases(cases[:1], tmp_path / "state")
    assert len(path.read_text().splitlines()) == 1
    assert not list(path.parent.glob("*.tmp"))
