"""datatrove's MinHash pipeline on a JSONL corpus, as the end-to-end peer of `forge dedup`.

Runs in a separate virtual environment that has datatrove (never the project's):

    /tmp/bench-venv/bin/python bench/dedup_datatrove.py --input corpus.jsonl --work /tmp/dt --bands 9 --rows 13

datatrove's English word tokenizer is NLTK's, which needs the punkt model from the network,
so this run gives it a whitespace tokenizer (the same word split Forge uses for prose).
Prints one JSON line: seconds (the four stages), peak RSS, documents kept and removed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--bands", type=int, default=9)
    ap.add_argument("--rows", type=int, default=13)
    ap.add_argument("--ngrams", type=int, default=5)
    args = ap.parse_args()

    from datatrove.executor.local import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter
    from datatrove.utils.word_tokenizers import WordTokenizer

    class Whitespace(WordTokenizer):
        def word_tokenize(self, text):
            return text.split()

        def sent_tokenize(self, text):
            return text.splitlines()

        def span_tokenize(self, text):
            raise NotImplementedError

    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    src = Path(args.input)
    cfg = MinhashConfig(n_grams=args.ngrams, num_buckets=args.bands, hashes_per_bucket=args.rows)
    reader = JsonlReader(str(src.parent), glob_pattern=src.name, text_key="text", id_key="id")
    logs = str(work / "logs")

    def run(name, pipeline, tasks=1):
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=f"{logs}/{name}").run()

    started = time.perf_counter()
    run(
        "sigs",
        [reader, MinhashDedupSignature(output_folder=str(work / "sigs"), config=cfg, language=Whitespace())],
    )
    run(
        "buckets",
        [MinhashDedupBuckets(str(work / "sigs"), str(work / "buckets"), config=cfg)],
        tasks=cfg.num_buckets,
    )
    run("cluster", [MinhashDedupCluster(str(work / "buckets"), str(work / "remove_ids"), config=cfg)])
    run(
        "filter",
        [
            JsonlReader(str(src.parent), glob_pattern=src.name, text_key="text", id_key="id"),
            MinhashDedupFilter(str(work / "remove_ids"), exclusion_writer=JsonlWriter(str(work / "removed"))),
            JsonlWriter(str(work / "kept")),
        ],
    )
    seconds = time.perf_counter() - started

    def count(folder: str) -> int:
        return sum(sum(1 for _ in gzip.open(p, "rt")) for p in (work / folder).glob("*.jsonl.gz"))

    # VmHWM, not ru_maxrss: the latter would count the parent's memory image across exec.
    hwm = next(
        line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:")
    )
    peak = int(hwm.split()[1]) / 1024
    print(
        json.dumps(
            {"seconds": seconds, "peak_rss_mb": peak, "kept": count("kept"), "removed": count("removed")}
        )
    )


if __name__ == "__main__":
    main()
