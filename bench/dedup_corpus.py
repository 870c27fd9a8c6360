"""The benchmark corpus: ~1 KB documents cut from real text files, plus edited copies.

Real text without a download: the Markdown, reStructuredText, plain-text and Python files of
the installed packages (the project's pinned environment), cut at line boundaries into
documents of about ``size`` bytes. The corpus is deterministic for a given environment.
It holds natural duplicates too (licence texts and vendored files recur across packages).
"""

from __future__ import annotations

import random
import sysconfig
from pathlib import Path

SUFFIXES = (".md", ".rst", ".txt", ".py")


def source_files(root: Path | None = None) -> list[Path]:
    root = root or Path(sysconfig.get_paths()["purelib"])
    files = [
        p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file() and "__pycache__" not in p.parts
    ]
    return sorted(files)


def chunks(text: str, size: int) -> list[str]:
    out, cur, n = [], [], 0
    for line in text.splitlines(keepends=True):
        cur.append(line)
        n += len(line)
        if n >= size:
            out.append("".join(cur))
            cur, n = [], 0
    if n >= size // 2:
        out.append("".join(cur))
    return out


def documents(count: int, size: int = 1000, seed: int = 0, min_words: int = 20) -> list[tuple[str, str]]:
    """``count`` (uri, text) pairs of about ``size`` bytes, sampled across the installed files."""
    docs: list[tuple[str, str]] = []
    for path in source_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for i, chunk in enumerate(chunks(text, size)):
            if len(chunk.split()) >= min_words:
                docs.append((f"{path.name}#{i}", chunk))
    rng = random.Random(seed)
    rng.shuffle(docs)
    if len(docs) < count:
        raise SystemExit(f"only {len(docs)} documents available, asked for {count}")
    return docs[:count]


def edit_words(text: str, rate: float, vocab: list[str], rng: random.Random) -> str:
    """Change ``rate`` of the words: a third each substituted, deleted, or preceded by an insert."""
    words = text.split()
    out = []
    for w in words:
        if rng.random() >= rate:
            out.append(w)
            continue
        op = rng.randrange(3)
        if op == 0:
            out.append(rng.choice(vocab))
        elif op == 2:
            out += [rng.choice(vocab), w]
    return " ".join(out)
