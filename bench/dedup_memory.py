"""Peak memory of dedup in memory against the spill path, where signatures dominate memory.

    python -m bench.dedup_memory [--docs 200000] [--doc-bytes 120] [--budget-mb 16]

Many short documents make signatures and band fingerprints (about 620 bytes per document at
128 permutations) outweigh the text itself, which is the case the memory budget is for. Each
run is its own process (``bench/dedup_e2e.py``); peak RSS is the process's VmHWM.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench.dedup_corpus import documents
from bench.dedup_speed import run_json


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--doc-bytes", type=int, default=120)
    ap.add_argument("--budget-mb", type=float, default=16)
    args = ap.parse_args()
    docs = documents(args.docs, size=args.doc_bytes, min_words=5)
    report = {"docs": len(docs), "text_mb": round(sum(len(t.encode()) for _, t in docs) / 1e6, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w") as fh:
            for i, (uri, text) in enumerate(docs):
                fh.write(json.dumps({"id": f"d{i}", "uri": uri, "text": text}) + "\n")
        del docs
        base = [sys.executable, "-m", "bench.dedup_e2e", "--input", str(corpus)]
        report["in_memory"] = run_json(base + ["--output", f"{tmp}/a.jsonl"])
        report["spilled"] = run_json(
            base + ["--output", f"{tmp}/b.jsonl", "--memory-budget-mb", str(args.budget_mb)]
        )
        same = Path(f"{tmp}/a.jsonl").read_bytes() == Path(f"{tmp}/b.jsonl").read_bytes()
    report["budget_mb"] = args.budget_mb
    report["same_output"] = same
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
