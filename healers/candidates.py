"""Detect cheaply: could any of heal's own libcst rules match this file? A walk of the stdlib
`ast` tree the pre-screen parsed anyway; every test is looser than its rule (a false "yes" costs
a libcst parse, a false "no" a lost finding), so libcst runs only on the files that can match."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from healers import candidate_flow as flow
from healers.rule_words import (
    HOT,
    HTTP_VERBS,
    MODULE_CALL_DEPTH,
    MUTABLE_NAMES,
    QUERY_METHODS,
    RE_FUNCTIONS,
)

COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


class _Found(Exception):
    """Raised at the first node some rule could flag: the walk stops there."""


def could_match(tree: ast.Module, text: str) -> bool:
    """True when some own rule may flag a node of `tree` (parsed from `text`)."""
    walk = _Walk(text)
    try:
        walk.visit(tree, 0)
    except _Found:
        return True
    return bool(walk.literals & walk.appended)  # string-concat-in-loop: `s = ""`, `s += x`


class _Walk(flow.Lines):
    """One recursive walk; `depth` counts the loops around a node (a comprehension's `for`
    clauses each), never reset at a `def`: looser than the rules, which stop there."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.imported: set[str] = set()  # every name any import binds, anywhere
        self.literals: set[str] = set()  # names assigned a string literal
        self.appended: set[str] = set()  # names appended to (`s += x`, `s = s + x`)
        self.dotted_calls: list[tuple[str, int]] = []  # (name, loops around it)
        self.http_bases: set[str] = set()  # first names of calls in loops like `requests.get`

    def visit(self, node: ast.AST, depth: int) -> None:
        for check in _CHECKS.get(type(node), ()):
            if check(self, node, depth):
                raise _Found
        if isinstance(node, flow.LOOPS):
            depth += 1
        elif isinstance(node, COMPREHENSIONS):
            depth += len(node.generators)
        for child in ast.iter_child_nodes(node):
            self.visit(child, depth)
        if isinstance(node, ast.Module):
            self._late()

    def _late(self) -> None:
        """The rules that need the imports of the whole module."""
        for name, depth in self.dotted_calls:
            if depth >= HOT and name.partition(".")[0] in self.imported:
                raise _Found
        if self.http_bases & self.imported:  # query-in-loop: an HTTP call
            raise _Found


def _import(walk: _Walk, node: ast.Import | ast.ImportFrom, depth: int) -> bool:
    for alias in node.names:
        walk.imported.add((alias.asname or alias.name).partition(".")[0])
    return False


def _call(walk: _Walk, node: ast.Call, depth: int) -> bool:
    func, args = node.func, node.args
    name = flow.dotted(func)
    if name is not None and name.count(".") >= MODULE_CALL_DEPTH:
        walk.dotted_calls.append((name, depth))
    if not depth:
        return False
    last = name.rpartition(".")[2] if name else ""
    if isinstance(func, ast.Attribute):
        first = args[0] if args else None
        zero = isinstance(first, ast.Constant) and first.value == 0
        if zero and func.attr in ("pop", "insert"):
            return True  # list-pop-front-in-loop
        plain = isinstance(first, ast.Constant) and isinstance(first.value, (str, bytes))
        if plain and func.attr in RE_FUNCTIONS:
            return True  # regex-compiled-in-loop
        if (args or node.keywords) and _query(func):
            return True  # query-in-loop: a database method
    if name is not None and (args or node.keywords) and last in HTTP_VERBS:
        walk.http_bases.add(name.partition(".")[0])
    return name == "open" and bool(args or node.keywords)  # query-in-loop: a file open


def _query(func: ast.Attribute) -> bool:
    receivers = QUERY_METHODS.get(func.attr)
    if receivers is None:
        return False
    if "" in receivers:
        return True
    parts, node = [], func.value
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        else:
            node = node.func
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return any(p in receivers or p.endswith("_session") for p in parts)


def _compare(walk: _Walk, node: ast.Compare, depth: int) -> bool:
    if len(node.ops) == 1:
        left = flow.dotted(node.left)
        if left is not None and left == flow.dotted(node.comparators[0]):
            return True  # self-comparison
    return bool(depth) and any(
        isinstance(op, (ast.In, ast.NotIn)) and isinstance(c, ast.List)
        for op, c in zip(node.ops, node.comparators, strict=True)
    )  # membership-in-list-literal


def _assign(walk: _Walk, node: ast.Assign, depth: int) -> bool:
    if len(node.targets) != 1:
        return False
    target, value = node.targets[0], node.value
    if isinstance(target, ast.Name):
        if _is_str(value):
            walk.literals.add(target.id)
        left = value
        while isinstance(left, ast.BinOp) and isinstance(left.op, ast.Add):
            left = left.left
        if left is not value and isinstance(left, ast.Name) and left.id == target.id:
            walk.appended.add(target.id)
    return all(  # self-assignment
        isinstance(t, ast.Name) and isinstance(v, ast.Name) and t.id == v.id
        for t, v in _pairs(target, value)
    )


def _pairs(target: ast.expr, value: ast.expr) -> list[tuple[ast.expr, ast.expr]]:
    if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
        if len(target.elts) != len(value.elts) or not target.elts:
            return [(target, value)]
        return [
            (_unstarred(t), _unstarred(v)) for t, v in zip(target.elts, value.elts, strict=True)
        ]
    return [(target, value)]


def _unstarred(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Starred) else node


def _is_str(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(
        node, ast.JoinedStr
    )


def _aug(walk: _Walk, node: ast.AugAssign, depth: int) -> bool:
    if isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name):
        walk.appended.add(node.target.id)
    return False


def _function(
    walk: _Walk, node: ast.FunctionDef | ast.AsyncFunctionDef, depth: int
) -> bool:  # mutable-default-argument
    defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
    for value in defaults:
        if isinstance(value, DISPLAYS):
            return True
        if isinstance(value, ast.Call):
            name = flow.dotted(value.func)
            if name is not None and name.rpartition(".")[2] in MUTABLE_NAMES:
                return True
    return False


def _subscript(walk: _Walk, node: ast.Subscript, depth: int) -> bool:
    value = node.value  # sorted-min-max
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and (value.func.id == "sorted")
    )


def _for(walk: _Walk, node: ast.For | ast.AsyncFor, depth: int) -> bool:
    if flow.block(walk, node, depth):
        return True
    it = node.iter  # range-len-indexing
    return (
        isinstance(it, ast.Call)
        and isinstance(it.func, ast.Name)
        and it.func.id == "range"
        and len(it.args) == 1
        and isinstance(it.args[0], ast.Call)
        and isinstance(it.args[0].func, ast.Name)
        and it.args[0].func.id == "len"
    )


Check = Callable[[_Walk, Any, int], bool]
BLOCKS = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.While,
    ast.With,
    ast.AsyncWith,
    flow.TRY_STAR,
    ast.match_case,
)
_CHECKS: dict[type[ast.AST], tuple[Check, ...]] = {
    **dict.fromkeys(BLOCKS, (flow.block,)),
    ast.Import: (_import,),
    ast.ImportFrom: (_import,),
    ast.Call: (_call,),
    ast.Compare: (_compare,),
    ast.Assign: (_assign,),
    ast.AugAssign: (_aug,),
    ast.If: (flow.block, flow.if_),
    ast.IfExp: (flow.ifexp,),
    ast.While: (flow.block, flow.while_),
    ast.FunctionDef: (flow.block, _function),
    ast.AsyncFunctionDef: (flow.block, _function),
    ast.Try: (flow.try_,),
    flow.TRY_STAR: (flow.try_,),
    ast.ExceptHandler: (flow.handler,),
    ast.Assert: (flow.assert_,),
    ast.Subscript: (_subscript,),
    ast.For: (_for,),
    ast.AsyncFor: (_for,),
}
