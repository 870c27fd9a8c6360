"""Fenced code blocks of a Markdown document, found with the tree-sitter Markdown grammar."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import tree_sitter as ts

from forge_data.code.languages import canonical, grammar, parser


@dataclass
class FencedBlock:
    label: str  # the info string's language word, as written
    language: str | None  # its grammar, or None when unsupported
    code: bytes
    first_line: int  # 1-based line of the block's first code line in the document


@cache
def _query() -> ts.Query:
    return ts.Query(grammar("markdown"), "(fenced_code_block) @block")


def fenced_blocks(text: str) -> list[FencedBlock]:
    if "```" not in text and "~~~" not in text:
        return []
    src = text.encode("utf-8", "surrogatepass")
    tree = parser("markdown").parse(src)
    blocks = []
    for node in ts.QueryCursor(_query()).captures(tree.root_node).get("block", []):
        info = next((c for c in node.named_children if c.type == "info_string"), None)
        content = next((c for c in node.named_children if c.type == "code_fence_content"), None)
        if info is None or content is None:
            continue
        lang_node = next((c for c in info.named_children if c.type == "language"), None)
        label = lang_node.text.decode("utf-8", "replace") if lang_node is not None else ""
        blocks.append(
            FencedBlock(
                label=label,
                language=canonical(label),
                code=src[content.start_byte : content.end_byte],
                first_line=content.start_point.row + 1,
            )
        )
    return blocks
