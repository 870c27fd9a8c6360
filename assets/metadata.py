"""Turn a step's stats into metadata a data steward reads without code.

Only counts, ids, uris, hashes and redacted samples reach here: the steps never put raw text in
their stats, and :func:`samples` is only fed from the redaction step's output.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg


def md_table(rows: Iterable[Mapping[str, Any]], columns: list[str] | None = None) -> dg.MetadataValue:
    rows = list(rows)
    if not rows:
        return dg.MetadataValue.md("_none_")
    columns = columns or list(rows[0].keys())
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [str(row.get(c, "")).replace("|", "\\|").replace("\n", " ") for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return dg.MetadataValue.md("\n".join(lines))


def counts(mapping: Mapping[str, Any] | None, key: str = "value") -> dg.MetadataValue:
    """A two-column table, largest first."""
    items = sorted((mapping or {}).items(), key=lambda kv: (-_num(kv[1]), str(kv[0])))
    return md_table([{key: k, "count": v} for k, v in items], [key, "count"])


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def accounting(stats: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "inputs": stats["inputs"],
        "kept": stats["kept"],
        "duplicates": stats["duplicates"],
        "quarantined": stats["quarantined"],
        "accounting": dg.MetadataValue.md(("✅ " if stats["balanced"] else "❌ ") + stats["identity"]),
    }


def samples(rows: Iterable[Mapping[str, Any]]) -> dg.MetadataValue:
    """Redacted samples only: callers pass rows from the redaction step's output."""
    blocks = []
    for row in rows:
        blocks.append(f"**{row['kind']}** `{row['uri']}`\n\n```\n{row['text']}\n```")
    return dg.MetadataValue.md("\n\n".join(blocks) or "_none_")


def scalar_metadata(stats: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {k: stats[k] for k in keys if k in stats and isinstance(stats[k], (int, float, str, bool))}


SPARK = "▁▂▃▄▅▆▇█"


def loss_curve(history_path, points: int = 12) -> dg.MetadataValue:
    """A sparkline and a table of the training loss at evenly spaced steps."""
    import json

    rows = []
    with open(history_path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if "loss" in row and "step" in row:
                rows.append(row)
    if not rows:
        return dg.MetadataValue.md("_no loss logged_")
    losses = [r["loss"] for r in rows]
    lo, hi = min(losses), max(losses)
    spark = "".join(SPARK[int((v - lo) / (hi - lo or 1) * (len(SPARK) - 1))] for v in losses)
    stride = max(1, len(rows) // points)
    picked = rows[::stride] + ([rows[-1]] if (len(rows) - 1) % stride else [])
    table = md_table(
        [
            {
                "step": r["step"],
                "loss": round(r["loss"], 4),
                "learning rate": f"{r.get('learning_rate', 0):.2e}",
            }
            for r in picked
        ]
    ).value
    return dg.MetadataValue.md(f"`{spark}`  loss {losses[0]:.3f} → {losses[-1]:.3f}\n\n{table}")


def identity(stats: Mapping[str, Any], total: str, parts: list[str]) -> dict[str, Any]:
    """``accounting``: e.g. "✅ 120 inputs = 100 kept + 20 quarantined", when the stats carry those counts."""
    if not all(isinstance(stats.get(k), int) for k in [total, *parts]):
        return {}
    balanced = stats[total] == sum(stats[p] for p in parts)
    text = f"{stats[total]} {total} = " + " + ".join(f"{stats[p]} {p}" for p in parts)
    return {"accounting": dg.MetadataValue.md(("✅ " if balanced else "❌ ") + text)}


def eval_table(summary: Mapping[str, Any]) -> dg.MetadataValue:
    """An evaluation's headline figures as a two-column table, and its sample generations below it."""
    from forge_data.registry import flatten

    figures = flatten({k: v for k, v in summary.items() if k not in ("samples", "eval_file")})
    rows = [{"figure": k, "value": round(v, 4) if isinstance(v, float) else v} for k, v in figures.items()]
    text = md_table([r for r in rows if not isinstance(r["value"], list)], ["figure", "value"]).value
    samples = summary.get("samples") or []
    if samples:
        text += (
            "\n\n**Sample generations**\n\n"
            + md_table(
                [
                    {"prompt": s.get("prompt", ""), "output": str(s.get("output", "")).strip()}
                    for s in samples
                ],
                ["prompt", "output"],
            ).value
        )
    return dg.MetadataValue.md(text)
