"""Incremental curation: a rerun re-curates only what changed and publishes what a full run would."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from forge_data.config import load
from forge_data.steps.local_run import run_curation
from forge_data.steps.publish import read_manifest, read_records
from forge_data.store import VersionStore
from forge_data.store.factory import open_store, read_table
from tests.forge_data.steps import mini_company as mc
from tests.forge_data.steps.conftest import published

SOURCES = ("code", "wiki", "slack", "mail")


def store_state(store: VersionStore, ref: str = "main") -> dict:
    """What a published commit holds, as comparable sets (ids with texts, ids of every other table)."""
    records = read_records(store, ref).select(["id", "text"]).to_pylist()
    state = {"records": {(r["id"], r["text"]) for r in records}}
    state["duplicates"] = {
        (r["id"], r["duplicate_of"]) for r in read_table(store, ref, "curated/duplicates.parquet").to_pylist()
    }
    for source in SOURCES:
        for prefix in ("quarantine/", "curated/code_units/"):
            table = read_table(store, ref, f"{prefix}{source}.parquet")
            state[f"{prefix}{source}"] = set(table.column("id").to_pylist())
    manifest = read_manifest(store, ref)
    state["counts"] = {k: manifest[k] for k in ("inputs", "kept", "duplicates", "quarantined", "code_units")}
    return state


def full_run_state(company: Path) -> dict:
    """The state a from-scratch full run publishes for the company as it is now."""
    fresh = mc.write_config(company.with_name("full.yaml"), state_dir="state-full")
    cfg = load(fresh)
    store = open_store(cfg.store, cfg.resolve)
    result = run_curation(cfg, store, full=True, audit=True)
    assert not result["problems"]
    return store_state(store)


def change_a_little(root: Path) -> None:
    mc.edit_page(root, "glossary.md", "- temper: the twenty minutes before promotion.\n")
    mc.write_files(
        root / "wiki",
        {"adr/0002-sparks.md": "# ADR 0002\n\nEvery deploy starts with a spark of five percent.\n"},
    )
    mc.commit_code(
        root, {"src/app.py": mc.CODE["src/app.py"] + "\n\ndef status() -> str:\n    return 'ok'\n"}
    )


def test_a_rerun_over_unchanged_sources_curates_nothing_and_commits_nothing(company: Path):
    cfg, store, first = published(company)
    assert first["staged"]["run"]["mode"] == "full"
    head = store.head("main")
    again = run_curation(cfg, store, audit=True)
    run = again["staged"]["run"]
    assert (run["mode"], run["inputs"], run["changed"], run["removed"]) == ("incremental", 0, 0, 0)
    assert again["staged"]["unchanged"] and store.head("main") == head
    assert again["staged"]["balanced"]


def test_incremental_rerun_touches_only_changes_and_equals_a_full_run(company: Path):
    cfg, store, _ = published(company)
    root = company.parent
    change_a_little(root)
    (root / "wiki" / "team" / "platform.md").unlink()

    result = run_curation(cfg, store, audit=True)
    assert not result["problems"]
    run = result["staged"]["run"]
    assert run["mode"] == "incremental"
    # glossary (changed), the new ADR, app.py: the three changed items and nothing else.
    assert (run["changed"], run["removed"], run["pulled"]) == (3, 1, 0)
    assert run["inputs"] == 3 and run["balanced"]
    assert result["staged"]["balanced"] and result["published"]["dedup_index_promoted"]
    # The curation steps saw only the batch.
    assert result["ingest"]["mail"]["incremental"]["mode"] == "unchanged"
    assert store_state(store) == full_run_state(company)


def test_a_new_copy_of_a_published_page_is_caught_against_the_index(company: Path):
    cfg, store, _ = published(company)
    root = company.parent
    shutil.copy(root / "wiki" / "adr" / "0001-ingots.md", root / "wiki" / "adr" / "0001-ingots-copy.md")
    result = run_curation(cfg, store, audit=True)
    run = result["staged"]["run"]
    assert run["changed"] == 1 and run["duplicates"] == 1
    # The published page's cluster was decided again with the newcomer, as a full run decides it.
    assert run["pulled"] == 1
    dups = read_table(store, "main", "curated/duplicates.parquet").to_pylist()
    assert {d["uri"] for d in dups} == {"runbooks/anvil.md", "adr/0001-ingots.md"}
    assert store_state(store) == full_run_state(company)


def test_removing_a_kept_page_promotes_its_copy(company: Path):
    cfg, store, _ = published(company)
    before = read_table(store, "main", "curated/duplicates.parquet").to_pylist()
    assert [d["uri"] for d in before] == [
        "runbooks/anvil.md"
    ]  # the mirror is kept (uri order breaks the tie)
    (company.parent / "wiki" / "runbooks" / "anvil-mirror.md").unlink()
    result = run_curation(cfg, store, audit=True)
    run = result["staged"]["run"]
    assert (run["removed"], run["pulled"], run["kept"]) == (1, 1, 1)
    kept = read_records(store, "main").column("uri").to_pylist()
    assert "runbooks/anvil.md" in kept and "runbooks/anvil-mirror.md" not in kept
    assert read_table(store, "main", "curated/duplicates.parquet").num_rows == 0
    assert store_state(store) == full_run_state(company)


def test_changed_curation_settings_make_the_next_run_full(company: Path):
    cfg, store, _ = published(company)
    changed = mc.write_config(company, curation={"pii": {"enabled": False}, "filters": {"min_chars": 40}})
    result = run_curation(load(changed), store, audit=True)
    run = result["staged"]["run"]
    assert run["mode"] == "full"
    assert run["reason"] == "curation settings or the pseudonym key changed since the last publish"


def test_a_run_that_is_not_published_leaves_the_next_run_correct(company: Path):
    """Staged but never merged (a failed check): main and its dedup index still agree."""
    cfg, store, _ = published(company)
    root = company.parent
    change_a_little(root)
    from forge_data.steps import curate, publish
    from forge_data.workspace import Workspace

    ws = Workspace(cfg.state_dir)
    from forge_data.steps.ingest import ingest

    for source in cfg.sources:
        ingest(cfg, ws, source.name)
    curate.filter_records(cfg, ws, store)
    curate.deduplicate(cfg, ws)
    curate.redact(cfg, ws)
    curate.code_units(cfg, ws)
    publish.stage(cfg, ws, store, "abandoned-run")
    result = run_curation(cfg, store, audit=True)
    assert result["staged"]["run"]["mode"] == "incremental"
    assert store_state(store) == full_run_state(company)


def test_incremental_and_full_agree_with_redaction_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Real Presidio: the redacted texts of an incremental rerun equal a full run's (same key)."""
    monkeypatch.setenv("FORGE_PSEUDONYM_KEY", "k" * 40)
    config = mc.build(tmp_path / "company", pii=True)
    cfg, store, _ = published(config)
    change_a_little(config.parent)
    mc.add_slack_day(
        config.parent, "general/2024-01-10.json", [("U1", "Jane here: Crucible is green again.")], 2
    )
    result = run_curation(cfg, store, audit=True)
    assert result["staged"]["run"]["mode"] == "incremental"
    fresh = mc.write_config(config.with_name("full.yaml"), pii=True, state_dir="state-full")
    fcfg = load(fresh)
    fstore = open_store(fcfg.store, fcfg.resolve)
    run_curation(fcfg, fstore, full=True, audit=True)
    assert store_state(store) == store_state(fstore)
    texts = pa.concat_tables([read_records(store, "main").select(["text"])]).column("text").to_pylist()
    assert not any(mc.JANE in t for t in texts)
