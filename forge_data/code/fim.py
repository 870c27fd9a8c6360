"""Fill-in-the-middle training samples cut from code units (Bavarian et al., 2022).

A unit's text is cut at two random character positions into prefix, middle and suffix, then
written in one of the two orders with the sentinel tokens most code tokenizers reserve:

* PSM: ``<fim_prefix>{prefix}<fim_suffix>{suffix}<fim_middle>{middle}``
* SPM: ``<fim_prefix><fim_suffix>{suffix}<fim_middle>{prefix}{middle}`` (the variant where the
  prefix follows the middle sentinel, so prefix and middle stay one contiguous span)

Which units are chosen, the order and the cut points all derive from a hash of the seed and
the unit id, so a unit's sample is the same however the table is ordered or partitioned.
"""

from __future__ import annotations

import hashlib

import pyarrow as pa

FIM_PREFIX = "<fim_prefix>"
FIM_MIDDLE = "<fim_middle>"
FIM_SUFFIX = "<fim_suffix>"

FIM_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("unit_id", pa.string()),
        ("record_id", pa.string()),
        ("language", pa.string()),
        ("mode", pa.string()),  # psm | spm
        ("text", pa.string()),
    ]
)


def _uniforms(seed: int, unit_id: str) -> list[float]:
    digest = hashlib.sha256(f"{seed}\x00{unit_id}".encode()).digest()
    return [int.from_bytes(digest[i : i + 8], "big") / 2**64 for i in range(0, 32, 8)]


def fim_text(prefix: str, middle: str, suffix: str, mode: str) -> str:
    if mode == "psm":
        return f"{FIM_PREFIX}{prefix}{FIM_SUFFIX}{suffix}{FIM_MIDDLE}{middle}"
    if mode == "spm":
        return f"{FIM_PREFIX}{FIM_SUFFIX}{suffix}{FIM_MIDDLE}{prefix}{middle}"
    raise ValueError(f"mode must be psm or spm, got {mode!r}")


def make_fim_samples(units: pa.Table, rate: float, seed: int = 0, spm_rate: float = 0.5) -> pa.Table:
    """FIM samples for about ``rate`` of the units (each unit chosen independently)."""
    if not 0 <= rate <= 1 or not 0 <= spm_rate <= 1:
        raise ValueError("rate and spm_rate must be within [0, 1]")
    rows = []
    cols = units.select(["id", "record_id", "language", "text"]).to_pylist()
    for unit in cols:
        text = unit["text"] or ""
        pick, order, u1, u2 = _uniforms(seed, unit["id"])
        if pick >= rate or len(text) < 2:
            continue
        a, b = sorted((int(u1 * (len(text) + 1)), int(u2 * (len(text) + 1))))
        mode = "spm" if order < spm_rate else "psm"
        rows.append(
            {
                "id": hashlib.sha256(f"fim\x00{seed}\x00{unit['id']}".encode()).hexdigest()[:32],
                "unit_id": unit["id"],
                "record_id": unit["record_id"],
                "language": unit["language"],
                "mode": mode,
                "text": fim_text(text[:a], text[a:b], text[b:], mode),
            }
        )
    return pa.Table.from_pylist(rows, schema=FIM_SCHEMA)
