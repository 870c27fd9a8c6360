"""With the default settings, dedup finds the sample's planted wiki duplicates above the threshold
(the exact copy and the 3 % and 5 % edited drafts) and leaves the 15 % draft alone."""

from __future__ import annotations

from forge_data.config import DedupConfig, SourceConfig
from forge_data.dedup import deduplicate
from forge_data.ingest import ingest_source


def test_planted_page_duplicates_are_found(sample):
    wiki = ingest_source(
        SourceConfig(
            name="wiki", kind="wiki", path=str(sample.path(sample.paths["wiki"])), include=["**/*.md"]
        ),
        base_dir=sample.root,
    )
    cfg = DedupConfig()
    result = deduplicate(wiki.records, cfg)
    dropped = {r["uri"] for r in result.table.to_pylist() if not r["keep"]}
    pages = [p for p in sample.exact_duplicates + sample.near_duplicates if p.unit == "page"]
    assert len(pages) == 4
    for pair in pages:
        a, b = (loc.file.removeprefix("wiki/") for loc in (pair.a, pair.b))
        caught = bool({a, b} & dropped)
        assert caught == (pair.jaccard >= cfg.threshold), (pair, sorted(dropped))
    assert len(dropped) == 3
