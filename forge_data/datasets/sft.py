"""Supervised fine-tuning conversations from curated records.

Two sources give ``{"messages": [{"role", "content"}, ...], "source_id", "origin"}`` rows:

* chat threads: whoever opened the thread is the ``user``; everyone who answers is the
  ``assistant`` (the model should learn to answer the way colleagues answer). Consecutive turns of
  one role are merged, trailing questions without an answer are cut, and a thread left without a
  question followed by an answer is counted as ``no_exchange`` and not used;
* documents: each headed section becomes "What does the <title> page say about <heading>?"
  answered by the section's text, and a document's lead paragraph answers "What is <title> about?".

Documents held out for evaluation (the same hash split as the CPT corpus) go to ``eval`` so the
SFT set never teaches the text perplexity is measured on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import pyarrow as pa

from forge_data.datasets.common import as_rows, estimate_tokens, is_heldout, row_text

# Markdown ATX headings (# Title) and MediaWiki headings (== Title ==).
_HEADING = re.compile(r"^(?:(#{1,6})[ \t]+(.+?)[ \t#]*|(={1,6})[ \t]*(.+?)[ \t]*\3[ \t]*)$", re.MULTILINE)


@dataclass
class SftDataset:
    train: list[dict[str, Any]]
    eval: list[dict[str, Any]]
    stats: dict[str, Any]


def thread_messages(turns: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """A chat thread as alternating user/assistant messages; empty when it holds no exchange."""
    turns = [t for t in turns if isinstance(t.get("text"), str) and t["text"].strip()]
    if not turns:
        return []
    asker = turns[0].get("speaker")
    messages: list[dict[str, str]] = []
    for turn in turns:
        role = "user" if turn.get("speaker") == asker else "assistant"
        text = turn["text"].strip()
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"] += "\n\n" + text
        else:
            messages.append({"role": role, "content": text})
    while messages and messages[-1]["role"] != "assistant":
        messages.pop()
    return messages if len(messages) >= 2 else []


def _clip(text: str, max_chars: int) -> str:
    """At most ``max_chars``, cut at a paragraph (else line) boundary so answers end on whole thoughts."""
    text = text.strip()
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    for sep in ("\n\n", "\n", ". "):
        cut = head.rfind(sep)
        if cut > max_chars // 3:
            return head[:cut].rstrip() + ("." if sep == ". " else "")
    return head.rstrip()


def doc_sections(text: str) -> list[tuple[str | None, str]]:
    """(heading, body) pairs in order; text before the first heading has heading None."""
    sections: list[tuple[str | None, str]] = []
    heading, start = None, 0
    for m in _HEADING.finditer(text):
        sections.append((heading, text[start : m.start()]))
        heading, start = (m.group(2) or m.group(4)).strip(), m.end()
    sections.append((heading, text[start:]))
    return [(h, body.strip()) for h, body in sections if body.strip()]


def _title(row: Mapping[str, Any], sections: list[tuple[str | None, str]]) -> str:
    if row.get("title"):
        return str(row["title"]).strip()
    m = _HEADING.search(row["text"])
    if m:
        return (m.group(2) or m.group(4)).strip()
    return PurePosixPath(str(row.get("uri") or row["id"])).stem.replace("_", " ").replace("-", " ")


def doc_qa_pairs(
    row: Mapping[str, Any], *, min_chars: int = 40, max_chars: int = 1200
) -> list[list[dict[str, str]]]:
    """Question–answer conversations from one document's sections."""
    sections = doc_sections(row["text"])
    title = _title(row, sections)
    pairs = []
    for heading, body in sections:
        if len(body) < min_chars:
            continue
        if heading is None or heading == title:
            question = f"What is {title} about?"
            body = body.split("\n\n")[0] if heading is None and len(sections) > 1 else body
        else:
            question = f"What does the {title} page say about {heading}?"
        pairs.append(
            [{"role": "user", "content": question}, {"role": "assistant", "content": _clip(body, max_chars)}]
        )
    return pairs


def build_sft_conversations(
    records: pa.Table | Iterable[Mapping[str, Any]],
    *,
    holdout_fraction: float = 0.0,
    include_docs: bool = True,
    min_answer_chars: int = 40,
    max_answer_chars: int = 1200,
) -> SftDataset:
    """Conversations from chat threads and from documents, split like the CPT corpus."""
    counts: Counter[str] = Counter()
    train, eval_ = [], []
    rows = as_rows(records)
    for row in rows:
        kind = row.get("kind")
        counts[f"{kind}_records"] += 1
        if kind == "chat":
            if not row.get("turns"):
                counts["chat_no_turns"] += 1
                continue
            messages = thread_messages(row["turns"])
            if not messages:
                counts["chat_no_exchange"] += 1
                continue
            convs, origin = [messages], "chat"
        elif kind == "doc" and include_docs and isinstance(row.get("text"), str):
            convs, origin = (
                doc_qa_pairs(row, min_chars=min_answer_chars, max_chars=max_answer_chars),
                "doc_qa",
            )
            if not convs:
                counts["doc_no_sections"] += 1
                continue
        else:
            counts[f"{kind}_not_used"] += 1
            continue
        heldout = bool(row.get("id")) and is_heldout(row["id"], holdout_fraction)
        counts[f"{kind}_used"] += 1
        counts[f"{origin}_{'eval' if heldout else 'train'}_conversations"] += len(convs)
        (eval_ if heldout else train).extend(
            {"messages": m, "source_id": row.get("id"), "origin": origin} for m in convs
        )
    stats = {
        "records_in": len(rows),
        "train_conversations": len(train),
        "eval_conversations": len(eval_),
        "train_tokens_est": sum(estimate_tokens(row_text(r)) for r in train),
        **dict(sorted(counts.items())),
    }
    return SftDataset(train=train, eval=eval_, stats=stats)
