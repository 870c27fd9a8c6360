"""A pipeline summary rendered for a person (``--json`` prints the whole dict instead)."""

from __future__ import annotations

from typing import Any


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def render(summary: dict[str, Any]) -> str:
    outcome = "succeeded" if summary.get("ok") else "FAILED"
    if summary.get("gate_note"):
        outcome = "ran; model blocked by its evaluation gate"
    lines = [f"Forge pipeline for {summary.get('project')}: {outcome}"]
    for problem in summary.get("problems") or []:
        lines.append(f"  ! {problem}")
    if summary.get("gate_note"):
        lines.append(f"  ({summary['gate_note']})")
    stages = summary.get("stages") or {}
    lines.append("")
    lines.append("Data")
    for source, s in (stages.get("ingest") or {}).items():
        if s:
            lines.append(
                f"  ingest {source:<16} {s['inputs']} inputs = {s['records']} records + {s['quarantined']} quarantined"
            )
    for name in ("filter", "dedup", "redact", "code_units"):
        s = stages.get(name)
        if s:
            shown = ", ".join(f"{k} {_fmt(v)}" for k, v in s.items() if not isinstance(v, dict))
            lines.append(f"  {name:<23} {shown}")
    if summary.get("accounting"):
        lines.append(f"  accounting              {summary['accounting']}")
    lines.append(f"  data commit (main)      {summary.get('data_commit')}")
    lines.append("")
    lines.append("Model")
    for fig in summary.get("training") or []:
        name = f"{fig['stage'].upper()} {fig['figure']}"
        lines.append(f"  {name:<23} {_fmt(fig['before'])} → {_fmt(fig['after'])}")
    ev = summary.get("evaluation") or {}
    if summary.get("model_path"):
        lines.append(f"  registered              {summary['model']} at {summary['model_path']}")
    if summary.get("trained_model"):
        lines.append(f"  trained model           {summary['trained_model']}")
    if ev:
        if ev.get("perplexity") is not None:
            lines.append(f"  held-out perplexity     {_fmt(ev['perplexity'])}")
        acc = ev.get("acceptance") or {}
        if acc.get("cases"):
            verdict = "passes" if acc.get("gate_passed") else "below"
            lines.append(
                f"  acceptance tests        {acc['passed']}/{acc['cases']} ({acc['pass_rate']:.0%}), {verdict} the gate of {acc['gate']:.0%}"
            )
        term = ev.get("terminology") or {}
        if term:
            lines.append(
                f"  terminology             {term.get('terms_used', 0)} of {term.get('glossary_terms', 0)} glossary terms used"
            )
        memo = ev.get("memorization") or {}
        if memo.get("canaries"):
            lines.append(
                f"  memorization audit      {memo.get('leaked', 0)} of {memo['canaries']} canaries reproduced"
            )
        for sample in (ev.get("samples") or [])[:3]:
            lines.append(f"  sample  {sample['prompt']!r} → {sample['output'][:60]!r}")
    if not summary.get("model_path"):
        lines.append("  not registered          (see problems above)" if ev else "  no model trained")
    lines.append("")
    if summary.get("project_file"):
        lines.append(f"Project file: {summary['project_file']}")
    if summary.get("open_the_ui"):
        lines.append(f"Open the UI:  {summary['open_the_ui']}")
    return "\n".join(lines)
