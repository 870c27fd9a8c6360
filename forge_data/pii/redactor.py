"""The Redactor: detect and replace PII and secrets in texts and record tables, and re-scan the result.

One :class:`Redactor` holds the loaded engine; every call is a batch (one NER pass over
all of its texts, then passes over the redacted texts until detection finds nothing new),
and names found anywhere in a batch are looked for everywhere in it, so a table is
redacted consistently as a whole. Nothing here logs, raises or returns an
original value: logs and stats carry counts and type names, manifests carry offsets.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa
import regex

from forge_data.config import PiiConfig
from forge_data.pii import fakes
from forge_data.pii.detector import Detection, Detector, Finding, subtract
from forge_data.pii.manifest import MANIFEST_TYPE, Stats, entry
from forge_data.pii.pseudonyms import PLACEHOLDER, Pseudonymizer, first_name_aliases, normalise
from forge_data.pii.redaction import Applied, apply
from forge_data.schema import KINDS, content_hash

log = logging.getLogger(__name__)

# Speaker values that are roles, not people.
ROLES = frozenset(
    {"user", "assistant", "system", "bot", "tool", "human", "ai", "agent", "customer", "support"}
)
_OPAQUE_ID = regex.compile(r"^(?:[A-Z0-9]{6,}|[0-9a-f]{12,}|<?[A-Z][A-Z0-9_]*_[0-9a-f]{8}>?)$")


# The fixpoint's figures before (or without) any pass; every run's stats carry these keys.
NO_PASSES = {"passes": 0, "refound": 0, "unsettled": 0}


@dataclass(frozen=True)
class RedactedText:
    text: str
    entities: list[Finding]  # offsets into the original text


@dataclass(frozen=True)
class _Batch:
    results: list[RedactedText]
    passes: dict[str, int]  # passes run, findings later passes added, texts left unsettled
    aliases: dict[str, str]  # first name -> full name whose placeholder it shares


@dataclass(frozen=True)
class _Item:
    row: int
    field: str
    text: str
    kind: str
    language: str | None


class Redactor:
    def __init__(self, cfg: PiiConfig, key: bytes):
        self.cfg = cfg
        self.pseudonyms = Pseudonymizer(key, cfg.policy)
        self.detector = Detector(cfg)

    # --- texts ---------------------------------------------------------------------------------

    def redact_texts(
        self,
        texts: Sequence[str],
        kinds: Sequence[str] | None = None,
        languages: Sequence[str | None] | None = None,
        *,
        seeds: Sequence[str] = (),
    ) -> list[RedactedText]:
        """Redact a batch; ``kinds`` ("code" | "doc" | "chat", default "doc") steer code-aware handling."""
        return self._redact(texts, kinds, languages, seeds).results

    def redact_texts_with_passes(
        self,
        texts: Sequence[str],
        kinds: Sequence[str] | None = None,
        languages: Sequence[str | None] | None = None,
    ) -> tuple[list[RedactedText], dict[str, int]]:
        """As :meth:`redact_texts`, with how the fixpoint went: passes run, findings later passes
        added, texts still changing when ``max_passes`` ran out."""
        batch = self._redact(texts, kinds, languages, ())
        return batch.results, dict(batch.passes)

    def _redact(
        self,
        texts: Sequence[str],
        kinds: Sequence[str] | None,
        languages: Sequence[str | None] | None,
        seeds: Sequence[str],
    ) -> _Batch:
        """Redact until detection on the output finds nothing new, for at most ``cfg.max_passes`` passes.

        Replacing a value changes what the NER model reads around it: with a JWT replaced by
        its placeholder the model may tag a word on the next line as a person, or see that
        "EMP-516129 is Diego's id" names Diego once the id is a placeholder. One pass then
        leaves text that the residual check, which re-scans exactly this output, reports.
        So each further pass detects on the redacted texts the last pass changed, at the
        redaction threshold; what it finds outside placeholders is mapped back to the
        original (manifest offsets stay offsets into the original), and the original is
        redacted again with the union. Names found then are propagated across the whole
        batch, as in the first pass and in the residual scan.

        The other way, masking pattern findings before NER runs (two-phase detection), cannot
        reach a fixpoint alone: the names NER finds are replaced afterwards, and that changes
        the context again. Only detecting on the real output can. The cost is a second
        detection over the texts that had findings; a third pass reads only the few texts the
        second changed.
        """
        kinds = list(kinds) if kinds is not None else ["doc"] * len(texts)
        bad = sorted({k for k in kinds if k not in KINDS}, key=str)
        if bad:
            raise ValueError(f"kinds must be among {KINDS}; got {bad}")
        passes = dict(NO_PASSES)
        if not self.cfg.enabled:
            return _Batch([RedactedText(t, []) for t in texts], passes, {})
        detections = self.detector.detect(texts, kinds, languages, seeds=seeds)
        findings = [d.findings for d in detections]
        # Fixed after the first pass: a later pass must not change placeholders already written.
        aliases = first_name_aliases(
            [
                *(
                    t[f.start : f.end]
                    for t, fs in zip(texts, findings, strict=True)
                    for f in fs
                    if f.type == "PERSON"
                ),
                *seeds,
            ]
        )
        applied = [self._apply(t, f, d, aliases) for t, f, d in zip(texts, findings, detections, strict=True)]
        changed = [i for i, f in enumerate(findings) if f]
        passes["passes"] = 1
        recheck = self.cfg.max_passes > 1
        while changed and passes["passes"] < self.cfg.max_passes:
            passes["passes"] += 1
            again = self.detector.detect(
                [a.text for a in applied], kinds, languages, seeds=seeds, only=changed
            )
            changed = []
            for i, d in enumerate(again):
                marks = applied[i].replaced()
                extra = [
                    replace(f, start=s, end=e)
                    for f in d.findings
                    for s, e in (applied[i].to_original(*p) for p in _outside(applied[i].text, f, marks))
                ]
                if extra:
                    findings[i] = sorted([*findings[i], *extra], key=lambda f: f.start)
                    applied[i] = self._apply(texts[i], findings[i], detections[i], aliases)
                    passes["refound"] += len(extra)
                    changed.append(i)
        # Texts a later pass still changed when no pass was left to re-read them.
        passes["unsettled"] = len(changed) if recheck else 0
        if passes["unsettled"]:
            log.warning(
                "%d texts still changed in redaction pass %d (curation.pii.max_passes); "
                "the residual scan will tell whether anything is left",
                len(changed),
                passes["passes"],
            )
        results = [RedactedText(a.text, f) for a, f in zip(applied, findings, strict=True)]
        return _Batch(results, passes, aliases)

    def _apply(self, text: str, findings: list[Finding], d: Detection, aliases: dict[str, str]) -> Applied:
        return apply(text, findings, self.pseudonyms, d.zones, quote_outside=d.quote_outside, aliases=aliases)

    # --- tables --------------------------------------------------------------------------------

    def redact_table(self, records: pa.Table) -> tuple[pa.Table, dict[str, Any]]:
        """Redact ``text``, ``title``, ``metadata`` and chat turns; add the ``pii`` manifest column."""
        if "text" not in records.column_names:
            raise ValueError("records need a 'text' column")
        items = _items(records)
        speakers = _speakers(records) if self.cfg.redact_speakers else []
        batch = self._redact(
            [i.text for i in items], [i.kind for i in items], [i.language for i in items], speakers
        )
        redacted = batch.results

        n = records.num_rows
        manifests: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        values: dict[tuple[int, str], str] = {}
        for item, result in zip(items, redacted, strict=True):
            values[(item.row, item.field)] = result.text
            manifests[item.row].extend(entry(f, item.field) for f in result.entities)

        table = records
        texts = records.column("text").to_pylist()
        new_texts = [values.get((r, "text"), t) for r, t in enumerate(texts)]
        table = _set(table, "text", pa.array(new_texts, pa.string()))
        if "content_hash" in table.column_names:
            table = _set(
                table,
                "content_hash",
                pa.array([content_hash(t) if t is not None else None for t in new_texts], pa.string()),
            )
        if "size_bytes" in table.column_names:
            table = _set(
                table,
                "size_bytes",
                pa.array(
                    [len(t.encode("utf-8", "surrogatepass")) if t is not None else None for t in new_texts],
                    pa.int64(),
                ),
            )
        for name in ("title", "metadata"):
            if name in table.column_names:
                column = table.column(name)
                old = column.to_pylist()
                table = _set(
                    table, name, pa.array([values.get((r, name), v) for r, v in enumerate(old)], column.type)
                )
        if "turns" in table.column_names:
            table = _set(table, "turns", self._turns(records, values, manifests, batch.aliases))

        stats = Stats()
        for m in manifests:
            stats.add(m)
        column = pa.array(manifests, MANIFEST_TYPE)
        table = (
            _set(table, "pii", column) if "pii" in table.column_names else table.append_column("pii", column)
        )
        summary = {**stats.as_dict(), **batch.passes}
        log.info(
            "redacted %d records: %d entities in %d records",
            n,
            summary["entities"],
            summary["records_with_pii"],
        )
        return table, summary

    def _turns(
        self, records: pa.Table, values: dict[tuple[int, str], str], manifests, aliases: dict[str, str]
    ) -> pa.Array:
        column = records.column("turns")
        rows = column.to_pylist()
        out = []
        for r, turns in enumerate(rows):
            if turns is None:
                out.append(None)
                continue
            new_turns = []
            for i, turn in enumerate(turns):
                turn = dict(turn)
                if turn.get("text") is not None:
                    turn["text"] = values.get((r, f"turns[{i}].text"), turn["text"])
                speaker = turn.get("speaker")
                if self.cfg.redact_speakers and self.cfg.enabled and _is_person_name(speaker):
                    same_as = aliases.get(normalise("PERSON", speaker))
                    turn["speaker"] = self.pseudonyms.replacement("PERSON", speaker, same_as=same_as)
                    f = Finding("PERSON", 0, len(speaker), 1.0, "speaker_field")
                    manifests[r].append(entry(f, f"turns[{i}].speaker"))
                new_turns.append(turn)
            out.append(new_turns)
        return pa.array(out, column.type)

    # --- residual scan -------------------------------------------------------------------------

    def scan_residual(self, records: pa.Table, threshold: float) -> list[dict[str, Any]]:
        """What detection still finds in redacted records above ``threshold`` (secrets included).

        Forge's own placeholders do not count, nor, under the "fake" policy, the stand-ins it
        wrote. Findings carry ids, fields, types and offsets into the redacted text; no values.
        """
        if "text" not in records.column_names or "id" not in records.column_names:
            raise ValueError("records need 'id' and 'text' columns")
        items = _items(records, speakers=self.cfg.redact_speakers)
        detections = self.detector.detect(
            [i.text for i in items], [i.kind for i in items], [i.language for i in items], threshold=threshold
        )
        ids = records.column("id").to_pylist()
        findings = []
        for item, d in zip(items, detections, strict=True):
            marks = [m.span() for m in PLACEHOLDER.finditer(item.text)]
            for f in d.findings:
                if not _outside(item.text, f, marks):
                    continue
                if self.cfg.policy == "fake" and fakes.is_fake(f.type, item.text[f.start : f.end]):
                    continue
                findings.append(
                    {
                        "id": ids[item.row],
                        "field": item.field,
                        "type": f.type,
                        "start": f.start,
                        "end": f.end,
                        "score": f.score,
                        "recognizer": f.recognizer,
                    }
                )
        log.info(
            "residual scan of %d records: %d findings at threshold %.2f",
            records.num_rows,
            len(findings),
            threshold,
        )
        return findings


def _items(records: pa.Table, *, speakers: bool = False) -> list[_Item]:
    """Every text field of every record, with the kind and language that steer detection."""
    cols = records.column_names
    n = records.num_rows
    kinds = records.column("kind").to_pylist() if "kind" in cols else ["doc"] * n
    langs = records.column("language").to_pylist() if "language" in cols else [None] * n
    kinds = [k if k in KINDS else "doc" for k in kinds]
    items = [
        _Item(r, "text", t, kinds[r], langs[r]) for r, t in enumerate(records.column("text").to_pylist()) if t
    ]
    if "title" in cols:
        items += [
            _Item(r, "title", t, "doc", None) for r, t in enumerate(records.column("title").to_pylist()) if t
        ]
    if "metadata" in cols and pa.types.is_string(records.schema.field("metadata").type):
        items += [
            _Item(r, "metadata", t, "code", "json")
            for r, t in enumerate(records.column("metadata").to_pylist())
            if t and t not in ("{}", "null")
        ]
    if "turns" in cols:
        for r, turns in enumerate(records.column("turns").to_pylist()):
            for i, turn in enumerate(turns or []):
                if turn.get("text"):
                    items.append(_Item(r, f"turns[{i}].text", turn["text"], "chat", None))
                if speakers and turn.get("speaker"):
                    items.append(_Item(r, f"turns[{i}].speaker", turn["speaker"], "chat", None))
    return items


def _speakers(records: pa.Table) -> list[str]:
    if "turns" not in records.column_names:
        return []
    names = {t.get("speaker") for turns in records.column("turns").to_pylist() for t in (turns or [])}
    return sorted(n for n in names if _is_person_name(n))


def _is_person_name(speaker: Any) -> bool:
    """A speaker value naming a person (not a role such as 'assistant', nor an opaque id)."""
    if not isinstance(speaker, str) or not any(c.isalpha() for c in speaker):
        return False
    s = speaker.strip()
    return s.lower() not in ROLES and not _OPAQUE_ID.match(s)


def _outside(text: str, f: Finding, marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``f`` outside ``marks`` (placeholders), trimmed; none if they hold fewer than
    two letters or digits (what is left of a placeholder the model tagged with its neighbours)."""
    pieces = []
    for s, e in subtract(f.start, f.end, marks):
        piece = text[s:e]
        if any(c.isalnum() for c in piece):
            pieces.append((s + len(piece) - len(piece.lstrip()), e - len(piece) + len(piece.rstrip())))
    return pieces if sum(c.isalnum() for s, e in pieces for c in text[s:e]) >= 2 else []


def _set(table: pa.Table, name: str, column: pa.Array) -> pa.Table:
    return table.set_column(table.column_names.index(name), name, column)
