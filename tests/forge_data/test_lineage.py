"""Lineage: which data commits, datasets and models hold a record, a uri or an author."""

from __future__ import annotations

import pytest

from forge_data.ingest.pseudonym import Pseudonyms
from forge_data.lineage import LineageIndex, trace
from forge_data.lineage.index import table_keys
from forge_data.lineage.keys import identifier_hashes
from forge_data.steps.local_run import run_curation
from forge_data.steps.publish import read_records
from forge_data.workspace import Workspace
from tests.forge_data.steps import mini_company as mc
from tests.forge_data.steps.conftest import published


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three data commits: A (first publish, a model trained on it), B (glossary edited), C (an ADR
    replaced by another, a second model)."""
    tmp_path = tmp_path_factory.mktemp("lineage")
    company = mc.build(tmp_path / "company")
    cfg, store, first = published(company)
    model_a = mc.train_on_main(cfg, store, tmp_path, "model-a")
    root = company.parent
    mc.edit_page(root, "glossary.md", "- temper: the twenty minutes before promotion.\n")
    commit_b = run_curation(cfg, store, audit=True)["published"]["commit"]
    (root / "wiki" / "adr" / "0001-ingots.md").unlink()
    mc.write_files(
        root / "wiki",
        {"adr/0002-sparks.md": "# ADR 0002\n\nEvery deploy starts with a spark of five percent.\n"},
    )
    commit_c = run_curation(cfg, store, audit=True)["published"]["commit"]
    model_c = mc.train_on_main(cfg, store, tmp_path, "model-c")
    return {
        "cfg": cfg, "store": store, "A": first["published"]["commit"], "B": commit_b, "C": commit_c,
        "model_a": model_a["model"], "model_c": model_c["model"],
    }  # fmt: skip


def _commits(answer: dict) -> list[str]:
    return [c["commit"] for c in answer["data_commits"]]


def test_a_uri_is_traced_to_the_commits_datasets_and_models_that_held_it(history):
    cfg, store, a, b, c = (history[k] for k in ("cfg", "store", "A", "B", "C"))
    gone = trace(cfg, store, uri="adr/0001-ingots.md")
    assert gone["found"] and _commits(gone) == [a, b] and not gone["in_main_head"]
    assert [d["data_commit"] for d in gone["datasets"]] == [a]
    assert [(m["model"], m["data_commit"]) for m in gone["models"]] == [(history["model_a"], a)]

    new = trace(cfg, store, uri="adr/0002-sparks.md")
    assert _commits(new) == [c] and new["in_main_head"]
    assert [m["model"] for m in new["models"]] == [history["model_c"]]

    edited = trace(cfg, store, uri="glossary.md")  # one id, two contents: present throughout
    assert _commits(edited) == [a, b, c]
    assert not trace(cfg, store, uri="never/was.md")["found"]


def test_a_record_id_is_traced(history):
    cfg, store = history["cfg"], history["store"]
    records = read_records(store, history["C"])
    ids = dict(zip(records.column("uri").to_pylist(), records.column("id").to_pylist(), strict=True))
    answer = trace(cfg, store, record=ids["adr/0002-sparks.md"])
    assert _commits(answer) == [history["C"]]
    assert answer["query"] == {"by": "record", "value": ids["adr/0002-sparks.md"], "keys": None}


def test_an_author_is_traced_by_email_and_by_hash_without_echoing_the_email(history):
    cfg, store = history["cfg"], history["store"]
    by_email = trace(cfg, store, author=mc.JANE)
    assert by_email["found"] and _commits(by_email) == [history["A"], history["B"], history["C"]]
    # Jane wrote a wiki page (front matter), talks in Slack (user U1 in users.json) and sent mail.
    assert by_email["data_commits"][0]["sources"] == ["mail", "slack", "wiki"]
    assert mc.JANE not in str(by_email)
    slack_hash = Pseudonyms("slack")("U1")  # how the Slack reader hashed Jane's messages
    assert slack_hash in identifier_hashes(cfg, mc.JANE)
    by_hash = trace(cfg, store, author=slack_hash)
    assert _commits(by_hash) == _commits(by_email)
    assert by_hash["data_commits"][0]["sources"] == ["slack"]
    assert not trace(cfg, store, author="nobody@acme.test")["found"]


def test_the_index_agrees_with_a_scan_of_every_commit(history):
    store = history["store"]
    index = LineageIndex(Workspace(history["cfg"].state_dir).lineage)
    commits = [c["commit"] for c in index.commits()]
    assert commits[-3:] == [history["A"], history["B"], history["C"]]
    scanned: dict[tuple[str, str], list[str]] = {}
    for commit in commits:
        for key in table_keys(read_records(store, commit)) if store.list(commit, "curated/records/") else ():
            scanned.setdefault(key, []).append(commit)
    assert scanned
    for (kind, key), expected in scanned.items():
        assert [h["commit"] for h in index.find(kind, {key})] == expected, (kind, key)


def test_the_index_is_rebuilt_when_main_no_longer_continues_it(history):
    cfg, store = history["cfg"], history["store"]
    index = LineageIndex(Workspace(cfg.state_dir).lineage)
    before = index.commits()
    # An index from another store (or a rewritten main): its newest commit is not on main.
    import pyarrow as pa

    from forge_data.lineage.index import COMMITS_SCHEMA
    from forge_data.tables import write_parquet

    bogus = [{"seq": 0, "commit": "0" * 40, "created_at": before[0]["created_at"]}]
    write_parquet(pa.Table.from_pylist(bogus, schema=COMMITS_SCHEMA), index.folder / "commits.parquet")
    assert index.update(store) == len(before)
    assert [c["commit"] for c in index.commits()] == [c["commit"] for c in before]
    assert _commits(trace(cfg, store, uri="adr/0001-ingots.md")) == [history["A"], history["B"]]
