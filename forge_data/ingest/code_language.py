"""The programming language of a source file: by file name, extension, shebang, then content."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

EXTENSIONS = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".go": "go", ".java": "java", ".rs": "rust",
    ".c": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".c++": "cpp",
    ".hpp": "cpp", ".hh": "cpp", ".hxx": "cpp", ".h++": "cpp", ".ipp": "cpp",
    ".cs": "csharp", ".rb": "ruby", ".php": "php", ".kt": "kotlin", ".kts": "kotlin",
    ".swift": "swift", ".scala": "scala", ".sc": "scala", ".m": "objective-c", ".mm": "objective-cpp",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".ksh": "shell", ".fish": "fish",
    ".ps1": "powershell", ".psm1": "powershell", ".bat": "batch", ".cmd": "batch",
    ".sql": "sql", ".html": "html", ".htm": "html", ".css": "css", ".scss": "scss", ".sass": "sass",
    ".less": "less", ".vue": "vue", ".svelte": "svelte",
    ".json": "json", ".jsonc": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml",
    ".xml": "xml", ".xsd": "xml", ".xsl": "xml", ".ini": "ini", ".cfg": "ini", ".conf": "ini",
    ".properties": "properties", ".proto": "protobuf", ".graphql": "graphql", ".gql": "graphql",
    ".lua": "lua", ".r": "r", ".pl": "perl", ".pm": "perl", ".dart": "dart",
    ".ex": "elixir", ".exs": "elixir", ".erl": "erlang", ".hrl": "erlang", ".hs": "haskell",
    ".clj": "clojure", ".cljs": "clojure", ".ml": "ocaml", ".mli": "ocaml", ".fs": "fsharp",
    ".jl": "julia", ".zig": "zig", ".nim": "nim", ".groovy": "groovy", ".gradle": "groovy",
    ".tf": "hcl", ".hcl": "hcl", ".bzl": "starlark", ".cmake": "cmake", ".mk": "makefile",
    ".vim": "vim", ".el": "elisp", ".sol": "solidity", ".asm": "assembly", ".s": "assembly",
}  # fmt: skip

FILENAMES = {
    "makefile": "makefile", "gnumakefile": "makefile", "dockerfile": "dockerfile",
    "containerfile": "dockerfile", "cmakelists.txt": "cmake", "jenkinsfile": "groovy",
    "rakefile": "ruby", "gemfile": "ruby", "vagrantfile": "ruby", "build": "starlark",
    "build.bazel": "starlark", "workspace": "starlark", "justfile": "just",
    ".gitignore": "ignore", ".dockerignore": "ignore", ".gitattributes": "ini",
    ".editorconfig": "ini", ".bashrc": "shell", ".profile": "shell", ".zshrc": "shell",
}  # fmt: skip

INTERPRETERS = {
    "python": "python", "python2": "python", "python3": "python", "node": "javascript",
    "deno": "typescript", "bun": "javascript", "ts-node": "typescript", "sh": "shell",
    "bash": "shell", "zsh": "shell", "dash": "shell", "ksh": "shell", "ruby": "ruby", "perl": "perl",
    "php": "php", "lua": "lua", "rscript": "r", "fish": "fish", "pwsh": "powershell",
}  # fmt: skip

_SHEBANG = re.compile(r"^#!\s*(\S+)(?:\s+(?:-\S+\s+)*(\S+))?")
_CPP_HINTS = re.compile(r"\b(?:class|namespace|template\s*<|public:|private:|std::|constexpr)\b|::")
_CONTENT_HINTS = (
    (re.compile(r"^\s*<\?php"), "php"),
    (re.compile(r"^\s*package\s+\w+\s*$(?:.|\n)*\bfunc\s", re.M), "go"),
    (re.compile(r"^\s*(?:import\s+\w+|from\s+[\w.]+\s+import|def\s+\w+\(.*\):)", re.M), "python"),
    (re.compile(r"^\s*<\?xml"), "xml"),
)


def _shebang(text: str) -> str | None:
    m = _SHEBANG.match(text)
    if not m:
        return None
    prog = PurePosixPath(m.group(1)).name
    if prog == "env" and m.group(2):
        prog = m.group(2)
    prog = re.sub(r"[\d.]+$", "", prog.lower()) or prog.lower()
    return INTERPRETERS.get(prog) or INTERPRETERS.get(prog.rstrip("0123456789."))


def detect_code_language(path: str, text: str) -> str | None:
    """``python``, ``tsx``, ``cpp``, ... or None when neither name nor content says."""
    name = PurePosixPath(path).name.lower()
    if name in FILENAMES:
        return FILENAMES[name]
    suffix = PurePosixPath(name).suffix
    if suffix == ".h":  # C and C++ share the extension; the content tells them apart
        return "cpp" if _CPP_HINTS.search(text[:20000]) else "c"
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if text.startswith("#!"):
        found = _shebang(text)
        if found:
            return found
    if not suffix:
        for pattern, language in _CONTENT_HINTS:
            if pattern.search(text[:4000]):
                return language
    return None
