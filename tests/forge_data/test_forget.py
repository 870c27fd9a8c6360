"""forge forget: removal from main and the workspace, stale models, hashes only, no comeback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from forge_data import audit
from forge_data.dedup import LshIndex
from forge_data.forget import forget
from forge_data.lineage.keys import authors_of, identifier_hashes
from forge_data.registry import list_models
from forge_data.steps import dedup_state
from forge_data.steps.local_run import run_curation
from forge_data.steps.publish import read_manifest, read_records
from forge_data.store.factory import read_table
from forge_data.workspace import Workspace
from tests.forge_data.steps import mini_company as mc
from tests.forge_data.steps.conftest import published

NEW_ADR = {
    "adr/0002-sparks.md": "# ADR 0002\n\nEvery deploy starts with a spark of five percent of traffic.\n"
}


def _texts(store, ref="main") -> dict[str, str]:
    rows = read_records(store, ref).select(["uri", "text"]).to_pylist()
    return {r["uri"]: r["text"] for r in rows}


@pytest.fixture
def trained(tmp_path: Path) -> dict:
    """Commit A with a model trained on it, then commit B (a new ADR) with a second model."""
    company = mc.build(tmp_path / "company")
    cfg, store, first = published(company)
    model_a = mc.train_on_main(cfg, store, tmp_path, "model-a")
    mc.write_files(company.parent / "wiki", NEW_ADR)
    commit_b = run_curation(cfg, store, audit=True)["published"]["commit"]
    model_b = mc.train_on_main(cfg, store, tmp_path, "model-b")
    return {
        "company": company, "cfg": cfg, "store": store, "A": first["published"]["commit"], "B": commit_b,
        "model_a": model_a["model"], "model_b": model_b["model"],
    }  # fmt: skip


def test_forget_a_uri_removes_only_it_and_marks_the_models_that_saw_it_stale(trained):
    cfg, store = trained["cfg"], trained["store"]
    ws = Workspace(cfg.state_dir)
    before = _texts(store)
    answer = forget(cfg, store, uri="adr/0002-sparks.md", reason="request by jane.doe@acme.test")

    after = _texts(store)
    assert after == {u: t for u, t in before.items() if u != "adr/0002-sparks.md"}
    assert store.head("main") == answer["commit"] != trained["B"]
    assert answer["removed"]["records"] == 1 and answer["removed"]["ledger"] == 1
    assert answer["data_commits"] == [trained["B"]]
    assert [d["data_commit"] for d in answer["datasets"]] == [trained["B"]]
    assert [(m["model"], m["status"], m["was"]) for m in answer["models"]] == [
        (trained["model_b"], "stale", "active")
    ]
    status = {e.ref: (e.status, e.stale_reason) for e in list_models(ws.registry)}
    assert status[trained["model_a"]] == ("active", None)
    assert status[trained["model_b"]][0] == "stale" and answer["request_id"] in status[trained["model_b"]][1]

    # Main still balances: the removed input moved to "suppressed".
    passed, meta = audit.accounting(store, "main")
    assert passed and "1 suppressed by deletion requests" in meta["identity"]
    manifest = read_manifest(store, "main")
    assert manifest["inputs"] == read_manifest(store, trained["B"])["inputs"]

    # Hashes only: neither the uri nor the e-mail in the reason reach the log or the commit.
    commit = store.get_commit("main")
    log = (ws.root / "forget" / "log.jsonl").read_text()
    for text in (log, json.dumps(commit.metadata), commit.message):
        assert "adr/0002-sparks.md" not in text and mc.JANE not in text
    assert commit.metadata["forget_request"] == answer["request_id"]
    assert json.loads(log.splitlines()[-1])["identifier"] == answer["identifier"]


def test_forget_an_author_by_email_removes_their_records_everywhere(trained):
    cfg, store = trained["cfg"], trained["store"]
    ws = Workspace(cfg.state_dir)
    jane = identifier_hashes(cfg, mc.JANE)
    before = read_records(store, "main").to_pylist()
    theirs = {r["uri"] for r in before if authors_of(r) & jane}
    # Her runbook and its copy, the Slack day she talked in, her mail.
    assert {"runbooks/anvil-mirror.md", "slack://general/2024-01-08"} <= theirs and len(theirs) == 3

    answer = forget(cfg, store, author=mc.JANE, reason="GDPR erasure")
    after = read_records(store, "main").to_pylist()
    assert {r["uri"] for r in after} == {r["uri"] for r in before} - theirs
    assert not any(authors_of(r) & jane for r in after)
    dups = read_table(store, "main", "curated/duplicates.parquet")
    assert "runbooks/anvil.md" not in dups.column("uri").to_pylist()  # the copy she also wrote
    assert {m["status"] for m in answer["models"]} == {"stale"} and len(answer["models"]) == 2

    # The workspace no longer holds her rows: snapshots, the steps' tables, the dedup index.
    for source in cfg.sources:
        raw = pq.read_table(ws.ingest_records(source.name)).to_pylist()
        assert not any(authors_of(r) & jane for r in raw), source.name
    removed_ids = {r["id"] for r in before if r["uri"] in theirs}
    for path in ws.curate.glob("*.parquet"):
        assert not removed_ids & set(pq.read_table(path).column("id").to_pylist()), path.name
    index = LshIndex.load(dedup_state.current_dir(ws))
    assert not removed_ids & set(index.ids)
    assert mc.JANE not in (ws.root / "forget" / "log.jsonl").read_text()


def test_suppression_keeps_forgotten_data_out_of_later_runs(trained):
    cfg, store, company = trained["cfg"], trained["store"], trained["company"]
    forget(cfg, store, uri="glossary.md")
    forget(cfg, store, author=mc.BOB)
    head = store.head("main")
    rerun = run_curation(cfg, store, audit=True)  # the sources still hold everything
    assert rerun["staged"]["unchanged"] and store.head("main") == head
    mc.edit_page(
        company.parent, "glossary.md", "- billet: a build artifact.\n"
    )  # the page changes at its source
    mc.add_slack_day(
        company.parent, "anvil-help/2024-01-10.json", [("U2", "Bob again: the temper passed.")], 2
    )
    changed = run_curation(cfg, store, audit=True)
    assert not changed["problems"]
    full = run_curation(cfg, store, full=True, audit=True)
    assert not full["problems"]
    bob = identifier_hashes(cfg, mc.BOB)
    records = read_records(store, "main").to_pylist()
    assert "glossary.md" not in {r["uri"] for r in records}
    assert not any(authors_of(r) & bob for r in records)
    assert full["staged"]["balanced"] and full["staged"]["suppressed"] >= 3


def test_forgetting_the_kept_copy_lets_the_next_run_keep_the_other(trained):
    cfg, store = trained["cfg"], trained["store"]
    assert "runbooks/anvil-mirror.md" in _texts(store)  # kept; runbooks/anvil.md is its duplicate
    forget(cfg, store, uri="runbooks/anvil-mirror.md")
    assert "runbooks/anvil.md" not in _texts(store)
    result = run_curation(cfg, store, audit=True)
    run = result["staged"]["run"]
    assert (run["mode"], run["changed"], run["kept"]) == ("incremental", 1, 1)
    assert "runbooks/anvil.md" in _texts(store)
    assert read_table(store, "main", "curated/duplicates.parquet").num_rows == 0


def test_a_request_that_matches_nothing_is_still_recorded(tmp_path: Path):
    company = mc.build(tmp_path / "company")
    cfg, store, _ = published(company)
    head = store.head("main")
    answer = forget(cfg, store, uri="wiki/never-existed.md")
    assert answer["commit"] is None and store.head("main") == head
    assert not any(answer["removed"].values()) and answer["models"] == []
    log = Path(cfg.state_dir) / "forget" / "log.jsonl"
    assert json.loads(log.read_text())["request_id"] == answer["request_id"]
    # Without the workspace's dedup index the next run cannot be incremental: it says so and runs full.
    shutil.rmtree(Path(cfg.state_dir) / "work" / "curate")
    rerun = run_curation(cfg, store, audit=True)
    assert (rerun["staged"]["run"]["mode"], rerun["staged"]["run"]["reason"]) == (
        "full",
        "the saved dedup index does not describe main's head",
    )
    assert rerun["staged"]["unchanged"]


def test_a_request_that_cannot_be_published_now_is_logged_and_completed_by_the_next_run(tmp_path: Path):
    from forge_data.store import DirtyBranch

    company = mc.build(tmp_path / "company")
    cfg, store, _ = published(company)
    store.write("main", "scratch.txt", b"uncommitted")  # main with staged writes refuses merges
    with pytest.raises(DirtyBranch):
        forget(cfg, store, uri="glossary.md")
    entry = json.loads((Path(cfg.state_dir) / "forget" / "log.jsonl").read_text().splitlines()[-1])
    assert entry["commit"] is None and entry["error"].startswith("DirtyBranch")
    assert "glossary.md" in _texts(store)
    store.reset("main")
    rerun = run_curation(cfg, store, audit=True)  # the suppression list makes the run remove it
    assert rerun["staged"]["run"]["removed"] == 1 and "glossary.md" not in _texts(store)
