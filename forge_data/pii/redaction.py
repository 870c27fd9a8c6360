"""Write placeholders over findings; in code, in a form that keeps the syntax valid."""

from __future__ import annotations

from collections.abc import Sequence

from forge_data.pii.code_zones import in_zones
from forge_data.pii.detector import Finding
from forge_data.pii.pseudonyms import Pseudonymizer


def apply(
    text: str,
    findings: Sequence[Finding],
    pseudonyms: Pseudonymizer,
    zones: list[tuple[int, int]] | None = None,
    *,
    quote_outside: bool = False,
) -> str:
    """``text`` with every finding replaced; findings are sorted and do not overlap.

    ``zones`` are the string and comment zones of code: inside them a placeholder is
    ``<TYPE_tag>`` like everywhere else; outside them (a bare number, an unquoted value in a
    shell script) it is ``TYPE_tag``, which is a valid identifier in every language, or, with
    ``quote_outside`` (JSON, where a bare name is not a value), the string ``"<TYPE_tag>"``.
    """
    out: list[str] = []
    pos = 0
    for f in findings:
        if f.start < pos:
            raise ValueError("findings overlap; resolve them first")
        outside = zones is not None and in_zones(zones, f.start, f.end) is None
        out.append(text[pos : f.start])
        if outside and quote_outside:
            out.append('"' + pseudonyms.replacement(f.type, text[f.start : f.end]) + '"')
        else:
            out.append(pseudonyms.replacement(f.type, text[f.start : f.end], bare=outside))
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
