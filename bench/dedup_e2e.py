"""Forge's dedup end to end on a JSONL corpus: read, deduplicate, write the kept rows.

    python -m bench.dedup_e2e --input corpus.jsonl --output kept.jsonl [--memory-budget-mb 8]

Prints one JSON line: seconds, peak RSS (this process), kept, duplicates, spilled.
"""

from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--memory-budget-mb", type=float, default=1024)
    ap.add_argument("--threshold", type=float, default=0.8)
    args = ap.parse_args()

    import datasketch  # noqa: F401  (imported before the clock starts, like the peer's imports)
    import pyarrow.json as pj

    from bench.dedup_speed import peak_rss_mb
    from forge_data.config import DedupConfig
    from forge_data.dedup import deduplicate
    from forge_data.tables import write_rows

    cfg = DedupConfig(threshold=args.threshold, memory_budget_mb=args.memory_budget_mb)
    started = time.perf_counter()
    table = pj.read_json(args.input)
    result = deduplicate(table, cfg)
    kept = result.table.filter(result.table.column("keep"))
    write_rows(kept.select(table.column_names), args.output)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    s = result.stats
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "kept": s["kept"], "duplicates": s["duplicates"],
                      "spilled": s["spilled"], "dedup_seconds": s["seconds"]}))  # fmt: skip


if __name__ == "__main__":
    main()
