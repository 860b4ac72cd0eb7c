"""Small libcst helpers shared by heal's own rules and their codemods."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TypeVar

import libcst as cst

NESTED_SCOPES = frozenset((cst.FunctionDef, cst.ClassDef, cst.Lambda))
N = TypeVar("N", bound=cst.CSTNode)


@lru_cache(maxsize=4)
def parsed(text: str) -> cst.Module:
    """libcst's module of `text`, parsed once per worker for every codemod of the file and heal's
    own rules (libcst's nodes are immutable: sharing them is safe). Errors are not kept."""
    return cst.parse_module(text)


def dotted(node: cst.CSTNode) -> str | None:
    """ "a.b.c" for a chain of names and attributes, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


class _Collect(cst.CSTVisitor):
    def __init__(self, kinds: tuple[type[cst.CSTNode], ...], *, nested: bool) -> None:
        super().__init__()
        self.kinds, self.nested = frozenset(kinds), nested
        self.found: list[cst.CSTNode] = []
        self.root: cst.CSTNode | None = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        kind = type(node)  # exact types: isinstance on libcst's ABC node classes is slow
        if kind in self.kinds:
            self.found.append(node)
        if self.root is None:
            self.root = node
            return True
        return self.nested or kind not in NESTED_SCOPES

    def on_leave(self, original_node: cst.CSTNode) -> None:
        """Nothing: skips libcst's lookup of a leave_<Node> method per node."""

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        """Nothing, as on_leave."""

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        """Nothing, as on_leave."""


def find(node: cst.CSTNode, *kinds: type[cst.CSTNode], nested: bool = True) -> list[cst.CSTNode]:
    """Every node of the given (concrete) types under `node` (itself included), in source order;
    with nested=False the walk stops at nested functions, classes and lambdas."""
    visitor = _Collect(kinds, nested=nested)
    node.visit(visitor)
    return visitor.found


def of_type(node: cst.CSTNode, kind: type[N], *, nested: bool = True) -> list[N]:
    """`find` for one node type, typed."""
    return [n for n in find(node, kind, nested=nested) if isinstance(n, kind)]


def names(node: cst.CSTNode, name: str, *, nested: bool = True) -> list[cst.Name]:
    return [
        n
        for n in find(node, cst.Name, nested=nested)
        if isinstance(n, cst.Name) and n.value == name
    ]


def _targets(node: cst.BaseExpression | cst.BaseAssignTargetExpression) -> Iterator[cst.CSTNode]:
    yield node
    if isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            yield from _targets(element.value)
    elif isinstance(node, cst.StarredElement):
        yield from _targets(node.value)


def stores(node: cst.CSTNode) -> set[int]:
    """ids of the nodes written under `node`: assignment, augmented assignment, `for` and
    `with` targets, `del`, walrus targets (tuple targets unpacked)."""
    written: set[int] = set()
    kinds = (
        cst.AssignTarget,
        cst.AugAssign,
        cst.AnnAssign,
        cst.For,
        cst.CompFor,
        cst.Del,
        cst.AsName,
        cst.NamedExpr,
    )
    for found in find(node, *kinds):
        target = getattr(found, "target", None) or getattr(found, "name", None)
        if isinstance(target, cst.BaseExpression):
            written.update(id(t) for t in _targets(target))
    return written


def is_str_literal(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.SimpleString):
        return "b" not in node.prefix.lower()
    if isinstance(node, cst.ConcatenatedString):
        return is_str_literal(node.left) and is_str_literal(node.right)
    return isinstance(node, cst.FormattedString)


def is_constant(node: cst.CSTNode) -> bool:
    """A literal whose truth value is fixed: strings, numbers, None/True/False."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.Imaginary):
        return True
    return isinstance(node, cst.Name) and node.value in ("None", "True", "False")


def call_name(node: cst.CSTNode) -> str | None:
    """The dotted name a call calls: "re.match" for re.match(...)."""
    return dotted(node.func) if isinstance(node, cst.Call) else None


def body_statements(node: cst.CSTNode) -> tuple[cst.BaseStatement, ...]:
    """The statements of a suite (an indented block) or of a module; () for one-line suites."""
    if isinstance(node, (cst.IndentedBlock, cst.Module)):
        return tuple(node.body)
    return ()


def module_names(module: cst.Module) -> set[str]:
    """Every name the module uses anywhere: a new variable must be none of them."""
    return {n.value for n in of_type(module, cst.Name)}


def fresh_name(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted_2`, `wanted_3`... when taken; the name returned is taken from now on."""
    name, n = wanted, 2
    while name in taken:
        name, n = f"{wanted}_{n}", n + 1
    taken.add(name)
    return name
