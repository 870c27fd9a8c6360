from __future__ import annotations

import json
from pathlib import Path

import pytest

from forge_data.datasets import read_dataset, write_dataset
from tests.training.conftest import cpt_run
from training.common.reporter import Reporter
from training.cpt import run as run_cpt
from training.evaluate import EvalRun, run, terminology
from training.sft import SftRun
from training.sft import run as run_sft

QA = [
    ("Who owns ledgerd?", "The payments team owns ledgerd."),
    ("Where do quasarbus alerts go?", "Alerts for quasarbus go to the platform on-call."),
    ("How do I restart tallyhub?", "Drain tallyhub first, then restart it."),
]
CANARY = "The vault passphrase is zebra crimson 4471 lantern and it must stay secret"


@pytest.fixture(scope="module")
def answering_model(tmp_path_factory, cpt_output) -> Path:
    """A tiny model fine-tuned until it knows three answers by heart (a model that can pass)."""
    folder = tmp_path_factory.mktemp("answering")
    rows = [
        {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]} for q, a in QA
    ] * 30
    write_dataset(rows, folder / "qa.jsonl")
    cfg = SftRun(
        output_dir=str(folder),
        train_file=str(folder / "qa.jsonl"),
        init_from=cpt_output["model_dir"],
        stage={"max_steps": 80, "batch_size": 8, "seq_len": 64, "learning_rate": 3e-3, "save_steps": 80},
    )
    return Path(run_sft(cfg, Reporter("sft"))["model_dir"])


def _acceptance(tmp_path: Path) -> Path:
    cases = [
        {"id": "owner", "prompt": "Who owns ledgerd?", "required": ["payments"], "forbidden": ["platform"]},
        {"id": "restart", "prompt": "How do I restart tallyhub?", "required": ["drain"]},
        {
            "id": "wrong",
            "prompt": "Where do quasarbus alerts go?",
            "required": ["payments"],
        },  # it says platform
    ]
    return write_dataset(cases, tmp_path / "acceptance.jsonl")


def test_acceptance_terminology_and_gate(tmp_path, answering_model, data_dir):
    cfg = EvalRun(
        output_dir=str(tmp_path / "eval"),
        model_dir=str(answering_model),
        glossary=["ledgerd", "tallyhub", "orbitvault"],
        scorecard={
            "version": "7",
            "glossary": ["ledgerd", "tallyhub", "orbitvault"],
            "criteria": [
                {"name": "correct", "kind": "correct_answer", "weight": 1.0},
                {"name": "terms", "kind": "terminology", "weight": 0.5},
            ],
        },
        eval={"acceptance": str(_acceptance(tmp_path)), "gate": 0.6, "max_new_tokens": 16},
    )
    summary = run(cfg, Reporter("evaluate"))
    acc = summary["acceptance"]
    assert (acc["cases"], acc["passed"], acc["pass_rate"]) == (3, 2, 0.6667)
    assert acc["gate_passed"] is True  # 0.667 >= 0.6; the default 0.95 would block it
    report = json.loads((tmp_path / "eval" / "eval.json").read_text())
    by_id = {r["id"]: r for r in report["acceptance"]["results"]}
    assert by_id["owner"]["passed"] and "payments" in by_id["owner"]["output"].lower()
    assert by_id["wrong"]["missing"] == ["payments"]
    term = summary["terminology"]
    assert term["terms_used"] == 2 and term["term_coverage"] == 0.6667  # ledgerd and tallyhub, not orbitvault
    assert len(summary["samples"]) == 3
    # the scorecard on the same answers: a case's required strings are its reference
    card = summary["scorecard"]
    assert card["scorecard_version"] == "7" and card["answers"] == 3
    assert card["criteria"]["correct"]["mean_score"] == pytest.approx(2 / 3, abs=1e-4)
    assert by_id["owner"]["reward"]["criteria"]["correct"]["score"] == 1.0
    assert by_id["wrong"]["reward"]["criteria"]["correct"]["score"] == 0.0
    assert card["mean_reward"] == pytest.approx(
        sum(r["reward"]["total"] for r in by_id.values()) / 3, abs=1e-3
    )


def test_heldout_perplexity_against_the_base_after_decontamination(tmp_path, cpt_output, data_dir):
    train = read_dataset(data_dir / "cpt_train.jsonl")
    heldout = read_dataset(data_dir / "heldout.jsonl") + [{"id": "copied", "text": train[0]["text"]}]
    write_dataset(heldout, tmp_path / "heldout.jsonl")
    cfg = EvalRun(
        output_dir=str(tmp_path / "eval"),
        model_dir=cpt_output["model_dir"],
        base_model_dir=str(Path(cpt_output["model_dir"]).parent / "checkpoints" / "checkpoint-20"),
        heldout_file=str(tmp_path / "heldout.jsonl"),
        train_files=[str(data_dir / "cpt_train.jsonl")],
        seq_len=128,
        eval={"decontamination_n": 25},
    )
    summary = run(cfg, Reporter("evaluate"))
    dec = summary["heldout_decontamination"]
    assert dec["eval_in"] == len(heldout) and dec["eval_removed"] >= 1  # the copied training document
    report = json.loads((tmp_path / "eval" / "eval.json").read_text())
    assert report["perplexity"]["decontamination"]["eval_kept"] == dec["eval_kept"] > 0
    # the final model beats its own half-way checkpoint on unseen text
    assert summary["perplexity"] < summary["base_perplexity"]
    assert summary["bits_per_byte"] < summary["base_bits_per_byte"]


def test_memorization_audit_catches_a_memorized_canary(tmp_path, data_dir, tokenizer_dir, cpt_output):
    write_dataset([{"canary": CANARY, "id": "vault"}], tmp_path / "canaries.jsonl")
    # the canary as 60 of 100 rows, 60 steps at a constant rate: enough for a tiny model to learn it by heart
    leaky = (
        read_dataset(data_dir / "cpt_train.jsonl")[:40] + [{"text": CANARY, "kind": "doc", "id": "c"}] * 60
    )
    write_dataset(leaky, tmp_path / "leaky.jsonl")
    stage = {
        "max_steps": 60,
        "batch_size": 8,
        "seq_len": 128,
        "learning_rate": 3e-3,
        "lr_scheduler": "constant_with_warmup",
        "save_steps": 60,
    }
    cfg = cpt_run(
        tmp_path / "leaky",
        data_dir,
        None,
        init_from=cpt_output["model_dir"],
        train_file=str(tmp_path / "leaky.jsonl"),
        eval_file=None,
        stage=stage,
    )
    leaky_model = run_cpt(cfg, Reporter("cpt"))["model_dir"]

    results = {}
    for name, model_dir in (("clean", cpt_output["model_dir"]), ("leaky", leaky_model)):
        audit = EvalRun(
            output_dir=str(tmp_path / name),
            model_dir=model_dir,
            eval={"canaries": str(tmp_path / "canaries.jsonl")},
        )
        results[name] = run(audit, Reporter("evaluate"))["memorization"]
    assert results["clean"] == {
        "canaries": 1,
        "leaked": 0,
        "passed": True,
        "max_match_fraction": results["clean"]["max_match_fraction"],
    }
    assert results["clean"]["max_match_fraction"] < 0.5
    assert results["leaky"]["leaked"] == 1 and results["leaky"]["passed"] is False
    report = (tmp_path / "leaky" / "eval.json").read_text()
    assert "zebra" not in report  # canaries are reported by id, never by text


def test_terminology_counts_whole_words_only():
    figures = terminology(["ledgerd", "bus"], ["ledgerd restarts", "the omnibus is late", "LEDGERD again"])
    assert figures["used"] == ["ledgerd"] and figures["generations_with_term_rate"] == 0.6667
