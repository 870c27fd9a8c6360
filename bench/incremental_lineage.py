"""Lineage queries through the lineage index, against scanning every data commit, side by side.

    .venv/bin/python bench/incremental_lineage.py [--commits 30] [--scale 2]

Builds a history on the generated sample company (redaction off: lineage does not depend on it):
one full publish, then ``--commits`` incremental publishes, each after one wiki page changed.
Then answers the same questions both ways — which data commits hold a record id, a uri, an
author — through :class:`forge_data.lineage.LineageIndex` and by reading every commit's curated
records (the per-source Parquet tables at each of main's commits) and checking each. Prints
seconds per query both ways, the cost of indexing one publish, and of rebuilding the whole index.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def scan(store, commits: list[str], kind: str, keys: set[str]) -> list[str]:
    """The baseline: read every commit's records and look for the keys."""
    from forge_data.lineage.index import table_keys
    from forge_data.steps.publish import read_records

    found = []
    for commit in commits:
        if not store.list(commit, "curated/records/"):
            continue
        if any(k in keys for kd, k in table_keys(read_records(store, commit)) if kd == kind):
            found.append(commit)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=30)
    parser.add_argument("--scale", type=int, default=2)
    args = parser.parse_args()

    from forge_data.config import load
    from forge_data.lineage import LineageIndex
    from forge_data.sample import generate_sample_company, write_project_file
    from forge_data.steps.local_run import run_curation
    from forge_data.steps.publish import read_records
    from forge_data.workspace import Workspace

    tmp = Path(tempfile.mkdtemp(prefix="forge-bench-lineage-"))
    try:
        manifest = generate_sample_company(tmp / "sample", scale=args.scale)
        config = write_project_file(manifest, tmp / "forge.yaml")
        data = yaml.safe_load(config.read_text())
        data["curation"]["pii"]["enabled"] = False
        config.write_text(yaml.safe_dump(data, sort_keys=False))
        cfg = load(config)
        run_curation(cfg)
        pages = sorted((tmp / "sample" / "wiki").rglob("*.md"))
        publish_index_s = []
        for i in range(args.commits):
            page = pages[i % len(pages)]
            page.write_text(page.read_text() + f"\n\nRevision {i}: the temper now lasts {20 + i} minutes.\n")
            result = run_curation(cfg)
            publish_index_s.append(result["seconds"]["publish"])
        from forge_data.store.factory import open_store

        store = open_store(cfg.store, cfg.resolve)
        index = LineageIndex(Workspace(cfg.state_dir).lineage)
        commits = [c["commit"] for c in index.commits()]
        records = read_records(store, "main").to_pylist()
        chat = next(r for r in records if r["provenance"]["author_hash"])
        questions = [
            ("record", {records[0]["id"]}),
            ("uri", {pages[0].relative_to(tmp / "sample" / "wiki").as_posix()}),
            ("author", {chat["provenance"]["author_hash"]}),
        ]
        rows = []
        for kind, keys in questions:
            t0 = time.perf_counter()
            by_index = [h["commit"] for h in index.find(kind, keys)]
            t1 = time.perf_counter()
            by_scan = scan(store, commits, kind, keys)
            t2 = time.perf_counter()
            assert by_index == by_scan, (kind, len(by_index), len(by_scan))
            rows.append((kind, len(by_index), t1 - t0, t2 - t1))
        shutil.rmtree(index.folder)
        t0 = time.perf_counter()
        LineageIndex(index.folder).update(store)
        rebuild = time.perf_counter() - t0

        print(f"sample scale {args.scale}: {len(records)} records, {len(commits)} commits on main")
        print(
            "| question | commits found | index s | scan s | scan / index |\n| --- | --- | --- | --- | --- |"
        )
        for kind, n, t_index, t_scan in rows:
            print(f"| {kind} | {n} | {t_index:.4f} | {t_scan:.3f} | {t_scan / t_index:.0f}x |")
        print(
            f"publish step incl. indexing the new commit: median {statistics.median(publish_index_s):.3f} s"
        )
        print(f"rebuilding the index from scratch over {len(commits)} commits: {rebuild:.2f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
