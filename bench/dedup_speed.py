"""Dedup speed, side by side on one corpus of ~1 KB documents with 128 permutations.

    python -m bench.dedup_speed [--docs 20000] [--datatrove-python /tmp/bench-venv/bin/python]

1. Signatures per second, in this process: Forge's vectorised signatures against stock
   datasketch, both starting from the same (lower-cased) texts and word 5-grams: the
   ``MinHash.update`` loop (on a subset: it is slow), ``MinHash.bulk`` with its shingles built
   in Python, and ``MinHash.bulk`` given pre-built shingles (its hashing alone). Best of 3.
2. End to end, each in its own process so peak RSS is its own: Forge (read JSONL,
   deduplicate, write kept rows) in memory and with a small memory budget (spilled to
   Parquet), and datatrove's four-stage MinHash pipeline from a separate environment.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.dedup_corpus import documents

REPO = Path(__file__).resolve().parents[1]


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def word_shingles(text: str, n: int = 5) -> list[bytes]:
    words = text.split()
    if len(words) < n:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)]


def signature_speed(texts: list[str], loop_docs: int, rounds: int) -> dict:
    """Docs/s of each method, best of ``rounds``; rounds interleave the methods so that load
    from other processes on the machine falls on all of them alike."""
    from datasketch import MinHash

    from forge_data.config import ShingleConfig
    from forge_data.dedup.signatures import signatures

    cfg = ShingleConfig(unit="word", size=5)
    n = len(texts)
    prebuilt = [word_shingles(t) for t in texts]
    signatures(texts[:10], cfg, 128, 1)  # load datasketch's permutations outside the clock

    def loop():
        for t in texts[:loop_docs]:
            m = MinHash(num_perm=128)
            for sh in word_shingles(t):
                m.update(sh)

    methods = {
        "forge_signatures": (n, lambda: signatures(texts, cfg, 128, 1)),
        "datasketch_bulk": (n, lambda: MinHash.bulk([word_shingles(t) for t in texts], num_perm=128)),
        "datasketch_bulk_prebuilt_shingles": (n, lambda: MinHash.bulk(prebuilt, num_perm=128)),
        "datasketch_update_loop": (loop_docs, loop),
    }
    best = dict.fromkeys(methods, float("inf"))
    for _ in range(rounds):
        for name, (_, fn) in methods.items():
            best[name] = min(best[name], best_of(fn, repeat=1))
    rates = {name: methods[name][0] / best[name] for name in methods}
    return {
        "docs": n,
        "rounds": rounds,
        "docs_per_second": {k: round(v) for k, v in rates.items()},
        "speedup_vs": {
            k: round(rates["forge_signatures"] / v, 2) for k, v in rates.items() if k != "forge_signatures"
        },
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_json(cmd: list[str]) -> dict:
    proc = subprocess.run(
        cmd, cwd=REPO, capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    )
    if proc.returncode:
        return {
            "error": proc.stderr.strip().splitlines()[-1]
            if proc.stderr.strip()
            else f"exit {proc.returncode}"
        }
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--loop-docs", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--spill-budget-mb", type=float, default=4)
    ap.add_argument("--datatrove-python", default="/tmp/bench-venv/bin/python")
    args = ap.parse_args()

    docs = documents(args.docs)
    texts = [t.lower() for _, t in docs]
    report = {
        "corpus": {"docs": len(docs), "mean_bytes": round(sum(len(t.encode()) for _, t in docs) / len(docs))}
    }
    report["signatures"] = signature_speed(texts, args.loop_docs, args.rounds)

    from forge_data.config import DedupConfig
    from forge_data.dedup.signatures import lsh_params

    # The peer gets the bands and rows Forge itself uses at this threshold.
    cfg = DedupConfig(threshold=0.8, num_perm=128)
    bands, rows = lsh_params(cfg.threshold, cfg.num_perm, tuple(cfg.lsh_weights))
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w") as fh:
            for i, (uri, text) in enumerate(docs):
                fh.write(json.dumps({"id": f"d{i}", "uri": uri, "text": text}) + "\n")
        py = sys.executable
        e2e = {
            "forge_in_memory": run_json(
                [py, "-m", "bench.dedup_e2e", "--input", str(corpus), "--output", f"{tmp}/a.jsonl"]
            ),
            "forge_spilled": run_json(
                [
                    py,
                    "-m",
                    "bench.dedup_e2e",
                    "--input",
                    str(corpus),
                    "--output",
                    f"{tmp}/b.jsonl",
                    "--memory-budget-mb",
                    str(args.spill_budget_mb),
                ]
            ),  # fmt: skip
        }
        if Path(args.datatrove_python).exists():
            e2e["datatrove"] = run_json(
                [args.datatrove_python, "bench/dedup_datatrove.py", "--input", str(corpus), "--work", f"{tmp}/dt",
                 "--bands", str(bands), "--rows", str(rows)]
            )  # fmt: skip
        else:
            e2e["datatrove"] = {"error": f"{args.datatrove_python} not found; see bench/README.md"}
    report["end_to_end"] = e2e
    report["lsh"] = {"threshold": 0.8, "num_perm": 128, "bands": bands, "rows": rows}
    dt, ours = e2e.get("datatrove", {}), e2e["forge_in_memory"]
    if "seconds" in dt and "seconds" in ours:
        report["end_to_end_speedup_vs_datatrove"] = round(dt["seconds"] / ours["seconds"], 2)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
