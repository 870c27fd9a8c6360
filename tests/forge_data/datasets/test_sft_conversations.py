from __future__ import annotations

from datetime import UTC, datetime

from forge_data.datasets import build_sft_conversations, doc_qa_pairs, thread_messages
from forge_data.schema import make_record
from tests.training.synthetic import company_records

T = datetime(2024, 1, 1, tzinfo=UTC)


def _turns(*pairs):
    return [{"speaker": s, "time": T, "text": t} for s, t in pairs]


def test_asker_is_user_answerers_are_assistant_and_runs_merge():
    msgs = thread_messages(
        _turns(
            ("ann", "Q1"),
            ("ann", "more detail"),
            ("bob", "A1"),
            ("cid", "A2"),
            ("ann", "follow-up"),
            ("bob", "A3"),
        )
    )
    assert msgs == [
        {"role": "user", "content": "Q1\n\nmore detail"},
        {"role": "assistant", "content": "A1\n\nA2"},
        {"role": "user", "content": "follow-up"},
        {"role": "assistant", "content": "A3"},
    ]


def test_threads_without_an_exchange_are_counted_not_silently_dropped():
    assert thread_messages(_turns(("ann", "anyone?"), ("ann", "hello?"))) == []
    # a trailing unanswered question is cut, the exchange before it kept
    assert thread_messages(_turns(("ann", "Q"), ("bob", "A"), ("ann", "thanks"))) == [
        {"role": "user", "content": "Q"},
        {"role": "assistant", "content": "A"},
    ]
    lonely = make_record(kind="chat", source="chat", uri="c/1", text="x", turns=_turns(("ann", "anyone?")))
    ds = build_sft_conversations([lonely])
    assert ds.train == [] and ds.stats["chat_no_exchange"] == 1 and ds.stats["records_in"] == 1


def test_doc_sections_become_questions_about_their_headings():
    text = (
        "# Ledgerd\n\nLedgerd keeps the books for every payment we take.\n\n"
        "## Rollback\n\nRoll back ledgerd with the deploy tool and tell the payments team.\n\n"
        "== Alerts ==\nAlerts for ledgerd go to the on-call engineer of the payments team."
    )
    row = make_record(kind="doc", source="wiki", uri="wiki/ledgerd.md", title="Ledgerd", text=text)
    pairs = doc_qa_pairs(row, min_chars=10)
    questions = [p[0]["content"] for p in pairs]
    assert questions == [
        "What is Ledgerd about?",
        "What does the Ledgerd page say about Rollback?",
        "What does the Ledgerd page say about Alerts?",
    ]
    assert pairs[1][1] == {
        "role": "assistant",
        "content": "Roll back ledgerd with the deploy tool and tell the payments team.",
    }


def test_build_from_company_records_splits_like_the_cpt_corpus():
    records = company_records(n_docs=30, n_code=5, n_threads=30)
    ds = build_sft_conversations(records, holdout_fraction=0.2)
    assert ds.train and ds.eval
    assert {r["origin"] for r in ds.train} == {"chat", "doc_qa"}
    for row in ds.train:
        roles = [m["role"] for m in row["messages"]]
        assert roles[0] == "user" and roles[-1] == "assistant"
        assert all(a != b for a, b in zip(roles, roles[1:], strict=False))
    assert not {r["source_id"] for r in ds.train} & {r["source_id"] for r in ds.eval}
    assert ds.stats["code_not_used"] == 5
    assert ds.stats["chat_used"] + ds.stats["doc_used"] + ds.stats["code_not_used"] == ds.stats["records_in"]
