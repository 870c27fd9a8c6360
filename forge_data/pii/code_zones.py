"""Where the prose is inside code: string literals and comments, found lexically.

Names in code are only personal data inside strings and comments; identifiers such as
``notify_morgan`` or ``class TaylorSeries`` are code and must stay. A small lexer finds
those zones for any language from its comment and string syntax, so config files, shell
scripts and languages without a tree-sitter grammar are handled the same way, and a
wrong guess costs little: it only decides where name detection runs and which
placeholder form keeps the code valid. Tree-sitter would need the exact grammar per file
and fails softly on fragments; the lexer is one linear pass.

Zones hold the *contents* of strings (quotes excluded) and comment text (markers excluded),
so a placeholder written inside a zone never touches a delimiter.
"""

from __future__ import annotations

from dataclasses import dataclass

# Formats that are data or prose rather than code: every value may be personal, nothing is an identifier.
PROSE_LANGUAGES = frozenset(
    {
        "yaml",
        "yml",
        "toml",
        "ini",
        "cfg",
        "conf",
        "dotenv",
        "env",
        "properties",
        "csv",
        "tsv",
        "text",
        "txt",
        "markdown",
        "md",
        "rst",
        "html",
        "xml",
        "json",
        "jsonl",
    }
)


@dataclass(frozen=True)
class Syntax:
    hash_comments: bool  # '#' to end of line
    hash_needs_space: bool  # only at line start or after whitespace (unknown languages, CSS colours)
    slash_comments: bool  # '//' and '/* */'
    dash_comments: bool  # '--' to end of line (SQL, Lua, Haskell)
    triple_quotes: bool  # Python-style triple-quoted strings
    backticks: bool  # `...` strings (JS template literals, Go raw strings, shell)
    sql_quotes: bool  # '' inside '...' is a quote, backslash is not an escape
    lifetimes: bool  # Rust: 'a is not a string


_HASH = {
    "python",
    "py",
    "shell",
    "sh",
    "bash",
    "zsh",
    "ruby",
    "rb",
    "perl",
    "pl",
    "r",
    "makefile",
    "make",
    "dockerfile",
    "cmake",
    "powershell",
    "ps1",
    "elixir",
    "ex",
    "julia",
    "jl",
    "nim",
    "tcl",
    "coffeescript",
}
_SLASH = {
    "c",
    "h",
    "cpp",
    "c++",
    "cc",
    "hpp",
    "java",
    "javascript",
    "js",
    "jsx",
    "typescript",
    "ts",
    "tsx",
    "go",
    "rust",
    "rs",
    "csharp",
    "cs",
    "c#",
    "kotlin",
    "kt",
    "swift",
    "scala",
    "dart",
    "groovy",
    "objective-c",
    "objc",
    "css",
    "scss",
    "less",
    "protobuf",
    "proto",
    "solidity",
    "zig",
}
_DASH = {"sql", "lua", "haskell", "hs", "plsql", "tsql", "postgresql", "mysql"}


def syntax_for(language: str | None) -> Syntax:
    lang = (language or "").lower()
    if lang in _HASH:
        return Syntax(
            True,
            False,
            False,
            False,
            lang in ("python", "py"),
            lang in ("shell", "sh", "bash", "zsh"),
            False,
            False,
        )
    if lang in _SLASH:
        return Syntax(
            False,
            False,
            True,
            False,
            False,
            lang in ("javascript", "js", "jsx", "typescript", "ts", "tsx", "go", "kotlin", "scala", "groovy"),
            False,
            lang in ("rust", "rs"),
        )
    if lang in _DASH:
        return Syntax(False, False, lang != "lua", True, False, False, True, False)
    if lang == "php":
        return Syntax(True, False, True, False, False, False, False, False)
    # Unknown: accept every common form, but '#' only where it cannot be a colour or fragment.
    return Syntax(True, True, True, False, True, True, False, False)


def is_prose_language(language: str | None) -> bool:
    return (language or "").lower() in PROSE_LANGUAGES


def code_zones(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of string contents and comment texts."""
    syn = syntax_for(language)
    zones: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        two = text[i : i + 2]
        if syn.slash_comments and two == "//":
            end = _line_end(text, i)
            zones.append((i + 2, end))
            i = end
        elif syn.slash_comments and two == "/*":
            close = text.find("*/", i + 2)
            end = n if close < 0 else close
            zones.append((i + 2, end))
            i = n if close < 0 else close + 2
        elif syn.dash_comments and two == "--":
            end = _line_end(text, i)
            zones.append((i + 2, end))
            i = end
        elif (
            syn.hash_comments and c == "#" and (not syn.hash_needs_space or i == 0 or text[i - 1] in " \t\n")
        ):
            end = _line_end(text, i)
            zones.append((i + 1, end))
            i = end
        elif syn.triple_quotes and text.startswith(('"""', "'''"), i):
            quote = text[i : i + 3]
            close = _find_close(text, i + 3, quote, escapes=True)
            zones.append((i + 3, close))
            i = close + 3
        elif c in "\"'" or (c == "`" and syn.backticks):
            if c == "'" and syn.lifetimes and not _is_char_literal(text, i):
                i += 1
                continue
            close = _string_end(text, i + 1, c, multiline=c == "`", sql=syn.sql_quotes and c == "'")
            zones.append((i + 1, close))
            i = close + 1
        else:
            i += 1
    return [(s, e) for s, e in zones if e > s]


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _find_close(text: str, i: int, quote: str, *, escapes: bool) -> int:
    """Index of the closing ``quote`` from ``i`` (or the end of the text)."""
    n = len(text)
    while i < n:
        if escapes and text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i
        i += 1
    return n


def _string_end(text: str, i: int, quote: str, *, multiline: bool, sql: bool) -> int:
    """Index of the closing quote of a one-line string (unterminated strings end at the line end)."""
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and not sql:
            i += 2
            continue
        if ch == quote:
            if sql and text[i + 1 : i + 2] == quote:
                i += 2
                continue
            return i
        if ch == "\n" and not multiline:
            return i
        i += 1
    return n


def _is_char_literal(text: str, i: int) -> bool:
    """Rust: 'x' and '\\n' are char literals; 'a in a lifetime is not a string."""
    if text[i + 1 : i + 2] == "\\":
        return text.find("'", i + 2, i + 12) > 0
    return text[i + 2 : i + 3] == "'"


def in_zones(zones: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The zone holding [start, end) entirely, if any (zones sorted)."""
    import bisect

    k = bisect.bisect_right(zones, (start, float("inf"))) - 1
    if k >= 0 and zones[k][0] <= start and end <= zones[k][1]:
        return zones[k]
    return None


def clip_to_zones(zones: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of [start, end) that lie inside zones."""
    out = []
    for s, e in zones:
        if e <= start:
            continue
        if s >= end:
            break
        out.append((max(s, start), min(e, end)))
    return out
