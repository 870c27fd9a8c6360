"""Functions, methods and classes of one source file, from its tree-sitter syntax tree.

A unit has a name, a parent (the enclosing class, impl, namespace or function), a qualified
name, a one-line signature (the text before its body), a docstring (Python's string
statement, or the comment block right above it in other languages) and its line range
(1-based, inclusive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter as ts

from forge_data.code.languages import SPECS, LangSpec, parser, unit_query

_FUNCTION_VALUES = {"arrow_function", "function_expression", "function", "generator_function"}
_COMMENTS = {"comment", "line_comment", "block_comment"}
# Nodes that sit between a unit and the comment documenting it.
_SKIPPABLE = {"attribute_item", "decorator", "annotation", "marker_annotation"}
# Wrappers whose start is the unit's real start (decorators, export, template<...>).
_WRAPPERS = {"decorated_definition", "export_statement", "template_declaration", "lexical_declaration", "type_declaration",
             "variable_declaration"}  # fmt: skip
_CLASS_LIKE_SCOPES = {"impl_item", "trait_item"}
_WS = re.compile(r"\s+")
_MAX_SIGNATURE = 400


@dataclass
class Unit:
    unit_type: str  # function | method | class
    name: str
    qualified_name: str
    parent: str | None
    signature: str
    docstring: str | None
    line_start: int
    line_end: int
    start_byte: int
    end_byte: int


@dataclass
class ParsedFile:
    units: list[Unit]
    has_error: bool


def _text(node: ts.Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _declarator_name(node: ts.Node) -> tuple[str, str | None]:
    """Name and explicit scope of a C/C++ function from its declarator chain (``A::f`` -> f, A)."""
    d = node.child_by_field_name("declarator")
    while d is not None and d.type not in {"identifier", "field_identifier", "qualified_identifier",
                                           "destructor_name", "operator_name", "type_identifier"}:  # fmt: skip
        d = d.child_by_field_name("declarator") or (d.named_children[0] if d.named_children else None)
    if d is None:
        return "", None
    scopes = []
    while d.type == "qualified_identifier":
        scope = d.child_by_field_name("scope")
        if scope is not None:
            scopes.append(_text(scope))
        d = d.child_by_field_name("name")
        if d is None:
            return "", None
    return _text(d), "::".join(scopes) or None


def _binding_function(node: ts.Node) -> ts.Node | None:
    value = node.child_by_field_name("value")
    return value if value is not None and value.type in _FUNCTION_VALUES else None


def _binding_name(node: ts.Node) -> str:
    named = node.child_by_field_name("name") or node.child_by_field_name("property")
    if named is None:
        named = next((c for c in node.named_children if c.type.endswith("identifier")), None)
    return _text(named)


def _scope_name(node: ts.Node) -> str:
    if node.type == "impl_item":
        typ = node.child_by_field_name("type")
        if typ is not None and typ.type == "generic_type":
            typ = typ.child_by_field_name("type")
        trait = node.child_by_field_name("trait")
        return _text(typ) if typ is not None else _text(trait)
    return _text(node.child_by_field_name("name"))


def _go_receiver(node: ts.Node) -> str | None:
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return None
    stack = [receiver]
    while stack:
        n = stack.pop()
        if n.type == "type_identifier":
            return _text(n)
        stack.extend(reversed(n.named_children))
    return None


def _body(node: ts.Node) -> ts.Node | None:
    body = node.child_by_field_name("body")
    if body is None and node.type == "type_spec":
        typ = node.child_by_field_name("type")
        if typ is not None:
            body = next((c for c in typ.named_children if c.type.endswith("_list")), None)
    if body is None:
        fn = _binding_function(node) if node.type in {"variable_declarator", "field_definition",
                                                         "public_field_definition"} else None  # fmt: skip
        if fn is not None:
            body = fn.child_by_field_name("body")
    return body


def _outer(node: ts.Node) -> ts.Node:
    while node.parent is not None and node.parent.type in _WRAPPERS:
        node = node.parent
    return node


def _python_docstring(node: ts.Node) -> str | None:
    body = node.child_by_field_name("body")
    if body is None or not body.named_children:
        return None
    first = body.named_children[0]
    if first.type != "expression_statement" or not first.named_children:
        return None
    string = first.named_children[0]
    if string.type != "string":
        return None
    content = "".join(_text(c) for c in string.named_children if c.type == "string_content")
    return _clean_doc(content)


_COMMENT_MARKERS = re.compile(r"^\s*(/\*\*?|\*/|\*|///?!?|//!|#)?", re.MULTILINE)


def _clean_doc(text: str) -> str | None:
    lines = [_COMMENT_MARKERS.sub("", line, count=1).rstrip() for line in text.strip().splitlines()]
    lines = [line.removesuffix("*/").rstrip() for line in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[indent:] for x in lines)


def _comment_docstring(node: ts.Node) -> str | None:
    outer = _outer(node)
    comments = []
    start_row = outer.start_point.row
    prev = outer.prev_named_sibling
    while prev is not None and (prev.type in _COMMENTS or prev.type in _SKIPPABLE):
        if prev.end_point.row < start_row - 1:
            break
        if prev.type in _COMMENTS:
            comments.append(_text(prev))
        start_row = prev.start_point.row
        prev = prev.prev_named_sibling
    if not comments:
        return None
    return _clean_doc("\n".join(reversed(comments)))


def _signature(src: bytes, node: ts.Node, start: int) -> str:
    body = _body(node)
    end = body.start_byte if body is not None else node.end_byte
    text = src[start:end].decode("utf-8", "replace")
    if body is None:
        text = text.splitlines()[0] if text else ""
    return _WS.sub(" ", text).strip().rstrip("{").strip()[:_MAX_SIGNATURE]


def _signature_start(node: ts.Node) -> int:
    """Where the signature starts: a bound function's declaration keyword (``const f = ...``)."""
    parent = node.parent
    if node.type == "variable_declarator" and parent is not None and parent.named_child_count == 1:
        return parent.start_byte
    return node.start_byte


def _classify(spec: LangSpec, node: ts.Node) -> tuple[str, str, str | None] | None:
    """(kind, name, explicit parent) for a unit node; None for nodes that are not units."""
    t = node.type
    if t in spec.bindings:
        if _binding_function(node) is None:
            return None
        return ("method" if t != "variable_declarator" else "function"), _binding_name(node), None
    if t in spec.classes:
        if t == "type_spec":
            typ = node.child_by_field_name("type")
            if typ is None or typ.type not in {"struct_type", "interface_type"}:
                return None
        elif spec.name in {"c", "cpp"} and node.child_by_field_name("body") is None:
            return None  # a use of the type (struct s x;), not its definition
        return "class", _text(node.child_by_field_name("name")), None
    if t in spec.functions:
        if spec.name in {"c", "cpp"}:
            name, scope = _declarator_name(node)
            return ("method" if scope else "function"), name, scope
        if t == "method_declaration" and spec.name == "go":
            return "method", _text(node.child_by_field_name("name")), _go_receiver(node)
        return "function", _text(node.child_by_field_name("name")), None
    return None


def parse_units(src: bytes, language: str) -> ParsedFile:
    """Units of one source in ``language`` (a key of ``SPECS``), in document order."""
    spec = SPECS[language]
    tree = parser(language).parse(src)
    root = tree.root_node
    nodes = ts.QueryCursor(unit_query(language)).captures(root).get("node", [])
    nodes.sort(key=lambda n: (n.start_byte, -n.end_byte))
    info: dict[int, tuple[str, str, str]] = {}  # node id -> (kind, name, qualified name)
    units: list[Unit] = []
    for node in nodes:
        if node.type in spec.scopes:
            name = _scope_name(node)
            parent_q = _enclosing(node, info)[1]
            info[node.id] = ("scope_class" if node.type in _CLASS_LIKE_SCOPES else "scope", name,
                             f"{parent_q}.{name}" if parent_q else name)  # fmt: skip
            continue
        found = _classify(spec, node)
        if found is None or not found[1]:
            continue
        kind, name, explicit_parent = found
        encl_kind, encl_q, encl_name = _enclosing(node, info)
        parent = explicit_parent or encl_name
        if kind == "function" and (explicit_parent or encl_kind in {"class", "scope_class"}):
            kind = "method"
        base = explicit_parent.replace("::", ".") if explicit_parent else encl_q
        if explicit_parent and encl_q:
            base = f"{encl_q}.{base}"
        qualified = f"{base}.{name}" if base else name
        info[node.id] = (kind, name, qualified)
        outer = _outer(node) if node.type != "variable_declarator" else node
        start = outer.start_byte if outer.type == "decorated_definition" else node.start_byte
        start_row = outer.start_point.row if outer.type == "decorated_definition" else node.start_point.row
        doc = _python_docstring(node) if language == "python" else _comment_docstring(node)
        units.append(
            Unit(
                unit_type=kind,
                name=name,
                qualified_name=qualified,
                parent=parent,
                signature=_signature(src, node, _signature_start(node)),
                docstring=doc,
                line_start=start_row + 1,
                line_end=node.end_point.row + 1,
                start_byte=start,
                end_byte=node.end_byte,
            )
        )
    return ParsedFile(units, root.has_error)


def _enclosing(
    node: ts.Node, info: dict[int, tuple[str, str, str]]
) -> tuple[str | None, str | None, str | None]:
    """(kind, qualified name, name) of the nearest enclosing unit or scope."""
    p = node.parent
    while p is not None:
        if p.id in info:
            kind, name, qualified = info[p.id]
            return kind, qualified, name
        p = p.parent
    return None, None, None
