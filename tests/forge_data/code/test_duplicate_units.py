"""Function-level near-duplicates across repositories, and FIM samples."""

from __future__ import annotations

import pytest

from forge_data.code import (
    FIM_MIDDLE,
    FIM_PREFIX,
    FIM_SUFFIX,
    extract_units,
    find_duplicate_units,
    make_fim_samples,
)
from forge_data.config import DedupConfig
from forge_data.schema import make_record, records_table

PARSE = '''def parse_config(path, defaults=None):
    """Read a config file into a dict."""
    result = dict(defaults or {})
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition("=")
            result[key.strip()] = value.strip()
    return result
'''

OTHER = """def render_invoice(order, currency="EUR"):
    total = sum(item.price * item.quantity for item in order.items)
    lines = [f"{item.name}: {item.price}" for item in order.items]
    lines.append(f"total: {total} {currency}")
    return "\\n".join(lines)
"""


def _units():
    copied = PARSE.replace("result[key.strip()]", "result[key.strip().lower()]")
    rows = [
        make_record(
            kind="code",
            source="billing",
            uri="billing/util.py",
            text=PARSE + "\n\n" + OTHER,
            language="python",
        ),
        make_record(
            kind="code", source="auth", uri="auth/conf.py", text="import os\n\n\n" + copied, language="python"
        ),
        make_record(
            kind="code",
            source="auth",
            uri="auth/small.py",
            text="def tiny():\n    return 1\n",
            language="python",
        ),
    ]
    units, _ = extract_units(records_table(rows))
    return units


def test_the_same_function_copied_between_services_is_found():
    units = _units()
    table, stats = find_duplicate_units(units, DedupConfig(unit_threshold=0.7))
    rows = {(r["source"], r["name"]): r for r in table.to_pylist()}
    a, b = rows[("billing", "parse_config")], rows[("auth", "parse_config")]
    assert a["cluster_id"] == b["cluster_id"] and a["cross_repo"] and b["cross_repo"]
    assert {a["duplicate_of"], b["duplicate_of"]} - {None} in ({a["id"]}, {b["id"]})
    assert not rows[("billing", "render_invoice")]["cross_repo"]
    assert rows[("auth", "tiny")]["dup_type"] is None  # too short to compare
    assert stats["units_compared"] == 3
    assert stats["cross_repo_clusters"] == 1 and stats["cross_repo_units"] == 2
    (example,) = stats["example_cross_repo_clusters"]
    assert {m["source"] for m in example["members"]} == {"billing", "auth"}


def test_fim_samples_reassemble_to_the_unit_and_are_deterministic():
    units = _units()
    samples = make_fim_samples(units, rate=1.0, seed=3)
    assert samples.num_rows == units.num_rows
    by_unit = {u["id"]: u["text"] for u in units.to_pylist()}
    for s in samples.to_pylist():
        text = s["text"]
        assert text.startswith(FIM_PREFIX)
        if s["mode"] == "psm":
            prefix, rest = text[len(FIM_PREFIX) :].split(FIM_SUFFIX)
            suffix, middle = rest.split(FIM_MIDDLE)
            assert prefix + middle + suffix == by_unit[s["unit_id"]]
        else:
            suffix, prefix_middle = text[len(FIM_PREFIX + FIM_SUFFIX) :].split(FIM_MIDDLE)
            assert by_unit[s["unit_id"]].endswith(suffix)
            assert prefix_middle + suffix == by_unit[s["unit_id"]]
    assert make_fim_samples(units, 1.0, seed=3).equals(samples)
    assert (
        make_fim_samples(units.take([2, 0, 1, 3]), 1.0, seed=3)
        .sort_by("unit_id")
        .equals(samples.sort_by("unit_id"))
    )
    assert make_fim_samples(units, 0.0, seed=3).num_rows == 0
    assert set(make_fim_samples(units, 1.0, seed=3, spm_rate=0.0).column("mode").to_pylist()) == {"psm"}
    assert set(make_fim_samples(units, 1.0, seed=3, spm_rate=1.0).column("mode").to_pylist()) == {"spm"}
    with pytest.raises(ValueError):
        make_fim_samples(units, 1.5, seed=3)
