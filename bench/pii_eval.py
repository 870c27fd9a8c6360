"""PII and secret detection quality on the generated labelled set, Forge beside stock Presidio.

    python -m bench.pii_eval [--seed 0] [--chat 200] [--wiki 80] [--code 120] [--show-misses]

The set comes from ``forge_data.pii.evalset`` (seeded templates across chat, wiki and code,
with gold spans; plus a planted-secret set with look-alikes). Reported per entity type:
precision, recall and F2 (a value is caught when predictions of its type cover all of its
letters and digits). Four runs on the same samples:

- Forge, one document per call (no help from names seen in other documents);
- Forge, the whole set as one table (as ``forge redact`` and ``redact_table`` run it), with
  the default passes: later passes re-read the redacted text;
- the same in one pass (``max_passes: 1``), for comparison;
- stock Presidio: ``AnalyzerEngine`` with the same spaCy model and its default registry, one
  ``analyze`` call per text, the entities it supports, the same 0.5 threshold.

Forge's spans are those of the redaction manifest. For the whole-set runs the redacted table
is then re-scanned as the pipeline's residual check does, at 0.5 and at 0.6.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # stock Presidio: no suffix-list fetch

from forge_data.config import PiiConfig  # noqa: E402
from forge_data.pii import Redactor, evaluate  # noqa: E402
from forge_data.pii.evalset import (  # noqa: E402
    COMPANY_TYPES,
    PATTERN_TYPES,
    PERSONAL_TYPES,
    SECRET,
    generate,
    planted_secrets,
)
from forge_data.pii.evaltemplates import EVAL_COMPANY  # noqa: E402
from forge_data.schema import make_record, records_table  # noqa: E402

ORDER = [*PERSONAL_TYPES, "ALL_PERSONAL", *COMPANY_TYPES, SECRET]
# What stock Presidio has recognizers for (street addresses and URL credentials are Forge's own).
KEY = b"bench-pseudonym-key-0123456789abcdef"
STOCK_ENTITIES = [t for t in PERSONAL_TYPES if t not in ("STREET_ADDRESS", "URL_CREDENTIALS")]


def stock_engine(model: str):
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
    nlp.load()
    return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])


def spans(findings) -> list[tuple[str, int, int]]:
    return [(f.type, f.start, f.end) for f in findings]


def targets(scores) -> list[str]:
    problems = []
    for t in PATTERN_TYPES:
        if scores[t].recall < 0.99:
            problems.append(f"{t} recall {scores[t].recall:.3f} < 0.99")
    for t in ("PERSON", "STREET_ADDRESS", "URL_CREDENTIALS", "ALL_PERSONAL"):
        if scores[t].f2 < 0.90:
            problems.append(f"{t} F2 {scores[t].f2:.3f} < 0.90")
    if scores[SECRET].caught != scores[SECRET].gold:
        problems.append(f"{scores[SECRET].gold - scores[SECRET].caught} planted secrets missed")
    return problems


def report(title: str, result: evaluate.Evaluation, show_misses: bool) -> None:
    scores = result.by_type
    scores["ALL_PERSONAL"] = evaluate.personal_total(scores)
    print(f"\n### {title}\n")
    print(evaluate.table(scores, ORDER))
    problems = targets(scores)
    print("\ntargets met" if not problems else "\ntargets NOT met: " + "; ".join(problems))
    if show_misses:  # synthetic values only
        for sample_id, kind, value in result.missed[:40]:
            print(f"  missed {kind:<16} {sample_id}: {value!r}")
        for sample_id, kind, value in result.false_positives[:40]:
            print(f"  extra  {kind:<16} {sample_id}: {value!r}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chat", type=int, default=200)
    parser.add_argument("--wiki", type=int, default=80)
    parser.add_argument("--code", type=int, default=120)
    parser.add_argument("--secret-copies", type=int, default=3)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    samples = generate(args.chat, args.wiki, args.code, seed=args.seed)
    samples += planted_secrets(args.secret_copies, seed=args.seed)
    gold = sum(len(s.spans) for s in samples)
    print(f"{len(samples)} samples, {gold} labelled values, seed {args.seed}")

    cfg = PiiConfig(**EVAL_COMPANY)
    redactor = Redactor(cfg, KEY)
    one_pass = Redactor(cfg.model_copy(update={"max_passes": 1}), KEY)

    t = time.perf_counter()
    one = [redactor.redact_texts([s.text], [s.kind], [s.language])[0].entities for s in samples]
    print(f"Forge, one document per call: {time.perf_counter() - t:.1f} s")
    report("Forge, one document per call", evaluate.score(samples, [spans(f) for f in one]), args.show_misses)

    records = records_table(
        [make_record(kind=s.kind, source="eval", uri=s.id, text=s.text, language=s.language) for s in samples]
    )
    for title, r in (
        (f"Forge, whole set as one batch (max_passes {cfg.max_passes})", redactor),
        ("Forge, whole set as one batch, one pass (max_passes 1)", one_pass),
    ):
        t = time.perf_counter()
        table, stats = r.redact_table(records)
        print(f"\n{title}: {time.perf_counter() - t:.1f} s")
        manifests = table.column("pii").to_pylist()
        predicted = [
            [(e["type"], e["start"], e["end"]) for e in m if e["field"] == "text"] for m in manifests
        ]
        report(title, evaluate.score(samples, predicted), args.show_misses)
        residual = redactor.scan_residual(table, threshold=cfg.score_threshold)
        print(
            f"\npasses {stats['passes']}, findings added by later passes {stats['refound']}, "
            f"texts unsettled {stats['unsettled']}; residual scan of the output: {len(residual)} findings "
            f"at {cfg.score_threshold}, {sum(f['score'] >= 0.6 for f in residual)} at 0.6"
        )

    stock = stock_engine(cfg.model)
    t = time.perf_counter()
    results = [
        stock.analyze(text=s.text, language="en", entities=STOCK_ENTITIES, score_threshold=0.5)
        for s in samples
    ]
    print(f"\nstock Presidio: {time.perf_counter() - t:.1f} s")
    stock_spans = [[(r.entity_type, r.start, r.end) for r in rs] for rs in results]
    report(
        "stock Presidio (same model, default recognizers)",
        evaluate.score(samples, stock_spans),
        args.show_misses,
    )


if __name__ == "__main__":
    main()
