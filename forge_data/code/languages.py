"""The tree-sitter grammars Forge parses, and which of their nodes are code units.

Grammars come from the per-language wheels (``tree-sitter-python`` and friends), never from a
download at run time. Each :class:`LangSpec` lists the node kinds that are functions, classes
(or class-like: structs, traits, interfaces) and scopes that only name their contents
(namespaces, Rust ``impl`` and ``mod`` blocks).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

import tree_sitter as ts


@dataclass(frozen=True)
class LangSpec:
    name: str
    module: str
    entry: str = "language"
    functions: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()  # name their contents, are not units themselves
    # Declarations whose value may be a function (``const f = () => ...``).
    bindings: frozenset[str] = frozenset()


_JS_FUNCS = frozenset({"function_declaration", "generator_function_declaration", "method_definition"})
_JS_BINDINGS = frozenset({"variable_declarator", "field_definition", "public_field_definition"})
_TS_CLASSES = frozenset({"class_declaration", "abstract_class_declaration", "interface_declaration"})

SPECS: dict[str, LangSpec] = {
    s.name: s
    for s in [
        LangSpec("python", "tree_sitter_python", functions=frozenset({"function_definition"}),
                 classes=frozenset({"class_definition"})),
        LangSpec("javascript", "tree_sitter_javascript", functions=_JS_FUNCS,
                 classes=frozenset({"class_declaration"}), bindings=_JS_BINDINGS),
        LangSpec("typescript", "tree_sitter_typescript", "language_typescript", functions=_JS_FUNCS,
                 classes=_TS_CLASSES, bindings=_JS_BINDINGS),
        LangSpec("tsx", "tree_sitter_typescript", "language_tsx", functions=_JS_FUNCS,
                 classes=_TS_CLASSES, bindings=_JS_BINDINGS),
        LangSpec("go", "tree_sitter_go", functions=frozenset({"function_declaration", "method_declaration"}),
                 classes=frozenset({"type_spec"})),
        LangSpec("java", "tree_sitter_java",
                 functions=frozenset({"method_declaration", "constructor_declaration"}),
                 classes=frozenset({"class_declaration", "interface_declaration", "enum_declaration",
                                    "record_declaration"})),
        LangSpec("rust", "tree_sitter_rust", functions=frozenset({"function_item"}),
                 classes=frozenset({"struct_item", "enum_item", "trait_item", "union_item"}),
                 scopes=frozenset({"impl_item", "mod_item"})),
        LangSpec("c", "tree_sitter_c", functions=frozenset({"function_definition"}),
                 classes=frozenset({"struct_specifier", "union_specifier", "enum_specifier"})),
        LangSpec("cpp", "tree_sitter_cpp", functions=frozenset({"function_definition"}),
                 classes=frozenset({"class_specifier", "struct_specifier", "union_specifier", "enum_specifier"}),
                 scopes=frozenset({"namespace_definition"})),
    ]
}  # fmt: skip

ALIASES = {
    "py": "python", "python3": "python", "js": "javascript", "jsx": "javascript", "mjs": "javascript",
    "cjs": "javascript", "node": "javascript", "ts": "typescript", "mts": "typescript",
    "golang": "go", "rs": "rust", "h": "c", "c++": "cpp", "cc": "cpp", "cxx": "cpp", "hpp": "cpp",
    "hh": "cpp", "hxx": "cpp",
}  # fmt: skip


def canonical(language: str | None) -> str | None:
    """The grammar name for a language label (``"C++"`` -> ``"cpp"``), or None if unsupported."""
    if not language:
        return None
    key = language.strip().lower()
    key = ALIASES.get(key, key)
    return key if key in SPECS else None


@cache
def grammar(name: str) -> ts.Language:
    if name == "markdown":
        return ts.Language(importlib.import_module("tree_sitter_markdown").language())
    spec = SPECS[name]
    return ts.Language(getattr(importlib.import_module(spec.module), spec.entry)())


@cache
def parser(name: str) -> ts.Parser:
    return ts.Parser(grammar(name))


@cache
def unit_query(name: str) -> ts.Query:
    """One query capturing every node that may be a unit or a naming scope."""
    spec = SPECS[name]
    lang = grammar(name)
    kinds = sorted(spec.functions | spec.classes | spec.scopes | spec.bindings)
    known = [k for k in kinds if lang.id_for_node_kind(k, True)]
    return ts.Query(lang, "[" + " ".join(f"({k})" for k in known) + "] @node")
