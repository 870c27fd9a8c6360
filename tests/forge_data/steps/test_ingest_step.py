"""Incremental ingest: only changed units are read, and the snapshot equals a full re-read."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from forge_data.config import load
from forge_data.lineage import suppression
from forge_data.lineage.keys import uri_hash
from forge_data.steps.ingest import ingest
from forge_data.workspace import Workspace
from tests.forge_data.steps import mini_company as mc


def _ingest_all(cfg, ws, **kw) -> dict:
    return {s.name: ingest(cfg, ws, s.name, **kw) for s in cfg.sources}


def _snapshot(ws: Workspace, source: str) -> tuple[set, set]:
    records = pq.read_table(ws.ingest_records(source)).select(["id", "text"]).to_pylist()
    rejects = pq.read_table(ws.ingest_quarantine(source)).column("id").to_pylist()
    return {(r["id"], r["text"]) for r in records}, set(rejects)


def test_first_ingest_is_full_and_a_rerun_reads_nothing(company: Path):
    cfg = load(company)
    ws = Workspace(cfg.state_dir)
    first = _ingest_all(cfg, ws)
    assert {s["incremental"]["mode"] for s in first.values()} == {"full"}
    assert all(s["incremental"]["reason"] == "no previous snapshot" for s in first.values())
    before = {s: _snapshot(ws, s) for s in first}
    again = _ingest_all(cfg, ws)
    assert {s["incremental"]["mode"] for s in again.values()} == {"unchanged"}
    assert all(s["incremental"]["rows_read"] == 0 for s in again.values())
    assert {s: _snapshot(ws, s) for s in again} == before
    for s in again.values():
        assert s["inputs"] == s["records"] + s["quarantined"] + s["suppressed"]
        assert s["inputs"] == first[s["source"]]["inputs"]


def test_changed_units_only_and_the_same_snapshot_as_a_full_read(company: Path):
    cfg = load(company)
    ws = Workspace(cfg.state_dir)
    _ingest_all(cfg, ws)
    root = company.parent
    mc.edit_page(root, "glossary.md", "- temper: the twenty minutes before promotion.\n")
    (root / "wiki" / "adr" / "0001-ingots.md").unlink()
    mc.write_files(
        root / "wiki",
        {"adr/0002-sparks.md": "# ADR 0002\n\nEvery deploy starts with a spark of five percent.\n"},
    )
    mc.commit_code(
        root, {"src/app.py": mc.CODE["src/app.py"] + "\n\ndef status() -> str:\n    return 'ok'\n"}
    )
    mc.add_slack_day(
        root, "general/2024-01-10.json", [("U2", "Crucible is green again after the billet cache fix.")], 2
    )

    inc = _ingest_all(cfg, ws)
    assert inc["wiki"]["incremental"] | {"units_read": 2, "units_removed": 1} == inc["wiki"]["incremental"]
    assert inc["wiki"]["incremental"]["mode"] == "incremental"
    assert inc["wiki"]["incremental"]["rows_read"] == 2
    assert inc["wiki"]["deleted"] == ["adr/0001-ingots.md"]
    assert inc["code"]["incremental"]["mode"] == "incremental"
    assert inc["code"]["incremental"]["units_read"] == 1 and inc["code"]["incremental"]["rows_read"] == 1
    # A Slack export is read by channel (threads span a channel's day files), with its user list.
    assert inc["slack"]["incremental"]["mode"] == "incremental"
    assert inc["slack"]["incremental"]["units_read"] == 1 and inc["slack"]["incremental"]["rows_read"] == 2
    assert inc["mail"]["incremental"]["mode"] == "unchanged"
    incremental = {s.name: _snapshot(ws, s.name) for s in cfg.sources}

    full = _ingest_all(cfg, ws, full=True)
    assert {s["incremental"]["reason"] for s in full.values()} == {"full run requested"}
    assert {s.name: _snapshot(ws, s.name) for s in cfg.sources} == incremental
    assert {k: v["inputs"] for k, v in full.items()} == {k: v["inputs"] for k, v in inc.items()}


def test_changed_source_settings_force_a_full_read(company: Path):
    cfg = load(company)
    ws = Workspace(cfg.state_dir)
    _ingest_all(cfg, ws)
    data = company.read_text().replace("path: wiki\n", "path: wiki\n  exclude:\n  - notes/**\n")
    company.write_text(data)
    stats = ingest(load(company), ws, "wiki")
    assert stats["incremental"]["mode"] == "full"
    assert stats["incremental"]["reason"] == "source settings changed"
    assert stats["records"] == len(mc.PAGES) - 1


def test_suppressed_rows_are_dropped_and_counted_every_run(company: Path):
    cfg = load(company)
    ws = Workspace(cfg.state_dir)
    first = ingest(cfg, ws, "wiki")
    suppression.add(ws.root, [("uri", uri_hash("glossary.md"))], "req1")
    again = ingest(cfg, ws, "wiki")  # nothing changed on disk, and the snapshot still loses the page
    assert again["incremental"]["mode"] == "unchanged"
    assert (again["records"], again["suppressed"]) == (first["records"] - 1, 1)
    assert again["inputs"] == first["inputs"] == again["records"] + again["quarantined"] + again["suppressed"]
    assert "glossary.md" not in pq.read_table(ws.ingest_records("wiki")).column("uri").to_pylist()
    # Re-reading the page (it changed) suppresses it again rather than letting it back.
    mc.edit_page(company.parent, "glossary.md", "- billet: a build artifact.\n")
    third = ingest(cfg, ws, "wiki")
    assert third["incremental"]["mode"] == "incremental"
    assert (third["records"], third["suppressed"]) == (first["records"] - 1, 1)
