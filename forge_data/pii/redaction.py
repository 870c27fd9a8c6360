"""Write placeholders over findings; in code, in a form that keeps the syntax valid."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from forge_data.pii.code_zones import in_zones
from forge_data.pii.detector import Finding
from forge_data.pii.pseudonyms import Pseudonymizer, normalise


@dataclass(frozen=True)
class Applied:
    """A text with its findings replaced, and where each replacement went."""

    text: str
    # Per replacement, sorted: (start, end) in the original text, (start, end) in ``text``.
    spans: list[tuple[int, int, int, int]]

    def replaced(self) -> list[tuple[int, int]]:
        """The replacements' spans in the redacted text."""
        return [(rs, re) for _, _, rs, re in self.spans]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """A span of the redacted text that no replacement touches, as offsets into the original."""
        k = bisect.bisect_right([rs for _, _, rs, _ in self.spans], start) - 1
        if k >= 0 and start < self.spans[k][3]:
            raise ValueError("the span overlaps a replacement")
        if k + 1 < len(self.spans) and end > self.spans[k + 1][2]:
            raise ValueError("the span overlaps a replacement")
        shift = 0 if k < 0 else self.spans[k][1] - self.spans[k][3]
        return start + shift, end + shift


def apply(
    text: str,
    findings: Sequence[Finding],
    pseudonyms: Pseudonymizer,
    zones: list[tuple[int, int]] | None = None,
    *,
    quote_outside: bool = False,
    aliases: Mapping[str, str] | None = None,
) -> Applied:
    """``text`` with every finding replaced; findings are sorted and do not overlap.

    ``zones`` are the string and comment zones of code: inside them a placeholder is
    ``<TYPE_tag>`` like everywhere else; outside them (a bare number, an unquoted value in a
    shell script) it is ``TYPE_tag``, which is a valid identifier in every language, or, with
    ``quote_outside`` (JSON, where a bare name is not a value), the string ``"<TYPE_tag>"``.
    ``aliases`` (see :func:`~forge_data.pii.pseudonyms.first_name_aliases`) give a first name
    found alone the placeholder of its full name.
    """
    aliases = aliases or {}
    out: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    pos = size = 0
    for f in findings:
        if f.start < pos:
            raise ValueError("findings overlap; resolve them first")
        outside = zones is not None and in_zones(zones, f.start, f.end) is None
        keep = text[pos : f.start]
        value = text[f.start : f.end]
        same_as = aliases.get(normalise(f.type, value)) if f.type == "PERSON" else None
        if outside and quote_outside:
            new = '"' + pseudonyms.replacement(f.type, value, same_as=same_as) + '"'
        else:
            new = pseudonyms.replacement(f.type, value, bare=outside, same_as=same_as)
        out += (keep, new)
        size += len(keep)
        spans.append((f.start, f.end, size, size + len(new)))
        size += len(new)
        pos = f.end
    out.append(text[pos:])
    return Applied("".join(out), spans)
