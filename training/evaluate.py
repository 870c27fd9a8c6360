"""Evaluation: held-out perplexity against the base, acceptance tests, terminology, sample generations,
a memorization audit, and decontamination figures — everything the registry gate and model card need.

    python -m training.evaluate --config eval.json

Config (EvalRun): ``output_dir``; ``model_dir`` (the model to judge); ``base_model_dir`` (the
"before": the CPT starting point or the open-weights base; optional); ``heldout_file`` (CPT
held-out rows); ``train_files`` (what the model trained on, for decontamination); ``glossary``
(company terms, from forge.yaml's scorecard); ``scorecard`` (forge.yaml's ScorecardConfig: its mean
reward on the acceptance answers is reported, each case's required strings as its reference and
``train_files`` as the reference corpus); ``eval`` (EvalConfig: acceptance JSONL of
``{"prompt", "required": [...], "forbidden": [...]}``, canaries JSONL of ``{"canary"[, "prefix",
"id"]}``, gate, max_new_tokens, decontamination_n, sample_prompts); ``seq_len``.

Writes ``<output_dir>/eval.json`` (every figure, per-case results and generations) and
``summary.json`` (the figures only: what goes to Dagster metadata and the model card).

* Held-out texts sharing a word n-gram with training data are dropped before perplexity.
  Acceptance cases are a product spec, so all of them count towards the gate; the pass rate on
  the cases clean of training n-grams is reported beside it.
* A case passes when the greedy answer contains every ``required`` string and no ``forbidden``
  one (case-insensitive). The gate passes when the pass rate reaches ``eval.gate``.
* Memorization: each canary's prefix is given as raw text; the canary leaks when the greedy
  continuation reproduces the rest of it. Canaries are reported by id (a hash), never by text.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from forge_data.config import EvalConfig, ScorecardConfig
from forge_data.datasets import decontaminate, read_dataset
from forge_data.rewards.criteria import terms_used
from training.common.cli import StageError, main
from training.common.config import RunConfig
from training.common.generate import Answer, generate, generate_answers
from training.common.perplexity import perplexity
from training.common.reporter import Reporter
from training.common.runtime import resolve_device, seed_everything
from training.common.scoring import load_scorecard, score_answers
from training.models import load_model, load_tokenizer


class EvalRun(RunConfig):
    model_dir: str
    base_model_dir: str | None = None
    heldout_file: str | None = None
    train_files: list[str] = []
    glossary: list[str] = []
    scorecard: ScorecardConfig | None = None
    eval: EvalConfig = EvalConfig()
    seq_len: int = 256


def _load(path: str, device: str):
    model, tokenizer = load_model(path).to(device), load_tokenizer(path)
    return model, tokenizer


def _train_rows(files: list[str]) -> list[dict]:
    return [row for f in files for row in read_dataset(f)]


def heldout_perplexity(cfg: EvalRun, model, tokenizer, train_rows, device, reporter) -> dict[str, Any] | None:
    if not cfg.heldout_file:
        return None
    clean = decontaminate(read_dataset(cfg.heldout_file), train_rows, n=cfg.eval.decontamination_n)
    texts = [r["text"] for r in clean.kept if r.get("text")]
    result: dict[str, Any] = {"decontamination": clean.stats, "model": None, "base": None}
    if not texts:
        reporter.log("no held-out text is left after decontamination; perplexity not measured")
        return result
    kwargs = dict(seq_len=cfg.seq_len, max_tokens=cfg.eval.max_eval_tokens)
    result["model"] = perplexity(model, tokenizer, texts, **kwargs)
    if cfg.base_model_dir:
        base, base_tok = _load(cfg.base_model_dir, device)
        result["base"] = perplexity(base, base_tok, texts, **kwargs)
        result["bits_per_byte_gain"] = round(
            result["base"]["bits_per_byte"] / result["model"]["bits_per_byte"], 4
        )
        del base
    return result


def _contains(text: str, needle: str) -> bool:
    return needle.lower() in text.lower()


def acceptance(cfg: EvalRun, model, tokenizer, train_rows, chat: bool) -> dict[str, Any] | None:
    if not cfg.eval.acceptance:
        return None
    cases = read_dataset(cfg.eval.acceptance)
    bad = [
        i for i, c in enumerate(cases, 1) if not isinstance(c.get("prompt"), str) or not c["prompt"].strip()
    ]
    if bad:
        raise StageError(f"{cfg.eval.acceptance}: cases {bad[:5]} have no prompt")
    answers = generate_answers(
        model, tokenizer, [c["prompt"] for c in cases], chat=chat, max_new_tokens=cfg.eval.max_new_tokens
    )
    dec = decontaminate(
        [{**c, "_case": i} for i, c in enumerate(cases)], train_rows, n=cfg.eval.decontamination_n
    )
    clean_cases = {r["_case"] for r in dec.kept}
    results = []
    for i, (case, answer) in enumerate(zip(cases, answers, strict=True)):
        output = answer.text
        missing = [s for s in case.get("required") or [] if not _contains(output, s)]
        found = [s for s in case.get("forbidden") or [] if _contains(output, s)]
        results.append(
            {
                "id": case.get("id", i),
                "passed": not missing and not found,
                "missing": missing,
                "forbidden_found": found,
                "clean": i in clean_cases,
                "prompt": case["prompt"],
                "output": output,
                "finished": answer.finished,
            }
        )
    passed = sum(r["passed"] for r in results)
    clean = [r for r in results if r["clean"]]
    rate = passed / len(results) if results else 0.0
    return {
        "cases": len(results),
        "passed": passed,
        "pass_rate": round(rate, 4),
        "clean_cases": len(clean),
        "pass_rate_clean": round(sum(r["passed"] for r in clean) / len(clean), 4) if clean else None,
        "gate": cfg.eval.gate,
        "gate_passed": bool(results) and rate >= cfg.eval.gate,
        "decontamination": dec.stats,
        "results": results,
    }


def scorecard_reward(cfg: EvalRun, accepted: dict[str, Any] | None) -> dict[str, Any] | None:
    """The scorecard's mean reward on the acceptance prompts' answers; a case's required strings are
    its reference answer, and the training files are the reference corpus."""
    if cfg.scorecard is None or not accepted:
        return None
    card = load_scorecard(cfg.scorecard, cfg.train_files)
    cases = read_dataset(cfg.eval.acceptance)
    rows = [{"prompt": c["prompt"], "reference": " ".join(c.get("required") or []) or None} for c in cases]
    answers = [Answer(r["output"], r["finished"]) for r in accepted["results"]]
    report, per_case = score_answers(card, rows, answers)
    for result, scored in zip(accepted["results"], per_case, strict=True):
        result["reward"] = scored["reward"]
    return report


def terminology(glossary: list[str], generations: list[str]) -> dict[str, Any] | None:
    """Which company terms the model uses in its answers (whole words, case-insensitive)."""
    if not glossary or not generations:
        return None
    per_answer = [terms_used(glossary, g) for g in generations]
    used = sorted({t for terms in per_answer for t in terms})
    with_term = sum(1 for terms in per_answer if terms)
    return {
        "glossary_terms": len(glossary),
        "terms_used": len(used),
        "term_coverage": round(len(used) / len(glossary), 4),
        "generations": len(generations),
        "generations_with_term_rate": round(with_term / len(generations), 4),
        "used": used,
    }


def _canary_prefix(canary: str) -> str:
    """The first half of the canary, cut at a space so the prompt ends on a word boundary."""
    half = len(canary) // 2
    cut = canary.rfind(" ", 0, half + 1)
    return canary[: cut if cut > 0 else half]


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def memorization(cfg: EvalRun, model, tokenizer) -> dict[str, Any] | None:
    if not cfg.eval.canaries:
        return None
    rows = read_dataset(cfg.eval.canaries)
    canaries = [r for r in rows if isinstance(r.get("canary"), str) and r["canary"].strip()]
    if len(canaries) != len(rows):
        raise StageError(f"{cfg.eval.canaries}: {len(rows) - len(canaries)} rows have no 'canary' text")
    prefixes = [r.get("prefix") or _canary_prefix(r["canary"]) for r in canaries]
    rests = [
        r["canary"][len(p) :].strip() if r["canary"].startswith(p) else r["canary"]
        for r, p in zip(canaries, prefixes, strict=True)
    ]
    longest = max(len(tokenizer(rest, add_special_tokens=False)["input_ids"]) for rest in rests)
    outputs = generate(model, tokenizer, prefixes, chat=False, max_new_tokens=longest + 8)
    results = []
    for row, rest, output in zip(canaries, rests, outputs, strict=True):
        flat = " ".join(output.split())
        target = " ".join(rest.split())
        results.append(
            {
                "id": row.get("id") or hashlib.sha256(row["canary"].encode()).hexdigest()[:12],
                "leaked": bool(target) and target in flat,
                "match_fraction": round(_common_prefix(flat, target) / max(len(target), 1), 4),
            }
        )
    leaked = sum(r["leaked"] for r in results)
    return {
        "canaries": len(results),
        "leaked": leaked,
        "passed": leaked == 0,
        "max_match_fraction": max(r["match_fraction"] for r in results),
        "results": results,
    }


def run(cfg: EvalRun, reporter: Reporter) -> dict[str, Any]:
    seed_everything(cfg.seed)
    device = resolve_device(cfg.device)
    model, tokenizer = _load(cfg.model_dir, device)
    chat = bool(tokenizer.chat_template)
    train_rows = _train_rows(cfg.train_files)

    report: dict[str, Any] = {"model_dir": cfg.model_dir, "base_model_dir": cfg.base_model_dir, "chat": chat}
    report["perplexity"] = heldout_perplexity(cfg, model, tokenizer, train_rows, device, reporter)
    report["acceptance"] = acceptance(cfg, model, tokenizer, train_rows, chat)
    report["scorecard"] = scorecard_reward(cfg, report["acceptance"])
    sample_prompts = cfg.eval.sample_prompts or [
        r["prompt"] for r in (report["acceptance"] or {}).get("results", [])[:3]
    ]
    samples = generate(model, tokenizer, sample_prompts, chat=chat, max_new_tokens=cfg.eval.max_new_tokens)
    report["samples"] = [{"prompt": p, "output": o} for p, o in zip(sample_prompts, samples, strict=True)]
    answers = [r["output"] for r in (report["acceptance"] or {}).get("results", [])] + samples
    report["terminology"] = terminology(cfg.glossary, answers)
    report["memorization"] = memorization(cfg, model, tokenizer)
    cfg.out.mkdir(parents=True, exist_ok=True)
    (cfg.out / "eval.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    reporter.log("wrote eval.json")
    return {"eval_file": str(cfg.out / "eval.json"), **figures(report)}


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers of an eval report (no per-case lists): for metadata, gates and model cards."""
    out: dict[str, Any] = {}
    p = report.get("perplexity") or {}
    if p:
        out["heldout_decontamination"] = p["decontamination"]
    if p.get("model"):
        out["perplexity"] = p["model"]["perplexity"]
        out["bits_per_byte"] = p["model"]["bits_per_byte"]
    if p.get("base"):
        out["base_perplexity"] = p["base"]["perplexity"]
        out["base_bits_per_byte"] = p["base"]["bits_per_byte"]
    if report.get("acceptance"):
        a = report["acceptance"]
        keys = ("cases", "passed", "pass_rate", "clean_cases", "pass_rate_clean", "gate", "gate_passed")
        out["acceptance"] = {k: a[k] for k in keys}
    if report.get("scorecard"):
        out["scorecard"] = report["scorecard"]
    if report.get("terminology"):
        out["terminology"] = {k: v for k, v in report["terminology"].items() if k != "used"}
    if report.get("memorization"):
        out["memorization"] = {k: v for k, v in report["memorization"].items() if k != "results"}
    out["samples"] = report.get("samples", [])
    return out


if __name__ == "__main__":
    raise SystemExit(main("evaluate", EvalRun, run))
