"""Logic codemods: proposed fixes of heal's own logic rules; each needs a human's approval."""

from __future__ import annotations

import ast
from functools import cached_property, partial

import libcst as cst

from healers.analysis import Site
from healers.codemod import REMOVE, Codemods, Replacement, changes
from healers.imports import order
from healers.logic.rules import RULES
from healers.sites import SiteCodemod
from healers.syntax import of_type


class UnpackAssertTuple(SiteCodemod):
    """`assert (cond, "msg")` -> `assert cond, "msg"`."""

    rule = "assert-on-tuple"
    rules = RULES

    def fix_site(self, site: Site) -> str | None:
        elements = cst.ensure_type(cst.ensure_type(site.node, cst.Assert).test, cst.Tuple).elements
        if len(elements) > 2 or any(isinstance(e, cst.StarredElement) for e in elements):
            return "the tuple is not a (condition, message) pair"
        test, msg = elements[0].value, elements[1].value if len(elements) == 2 else None
        # assert (cond, "msg") -> assert cond, "msg"
        self.replace(site.node, changes(test=test, msg=msg))
        return None


class RemoveSelfAssignment(SiteCodemod):
    """`x = x` -> (nothing); an emptied block keeps a `pass`."""

    rule = "self-assignment"
    rules = RULES

    def fix_site(self, site: Site) -> str | None:
        # x = x -> (nothing)
        self.replace(site.related[0], REMOVE)
        return None


class RemoveUnreachable(SiteCodemod):
    """Statements after `return`/`raise`/`continue`/`break` in the same block -> (nothing)."""

    rule = "unreachable-code"
    rules = RULES

    def fix_site(self, site: Site) -> str | None:
        # return x / f() -> return x
        for stmt in site.related:
            self.replace(stmt, REMOVE)
        return None


class RemoveDuplicateBranch(SiteCodemod):
    """`if a: x / elif a: y` -> `if a: x`: the later branch of a repeated condition never runs."""

    rule = "duplicate-if-condition"
    rules = RULES

    def fix_site(self, site: Site) -> str | None:
        # if a: ... elif b: ... elif a: ... else: ... -> if a: ... elif b: ... else: ...
        self.replace(site.related[0], _skip_next_branch)
        return None


def _skip_next_branch(node: cst.CSTNode) -> cst.CSTNode:
    branch = cst.ensure_type(node, cst.If)
    return branch.with_changes(orelse=cst.ensure_type(branch.orelse, cst.If).orelse)


class ResolveConstantCondition(SiteCodemod):
    """`if "x": a else: b` -> `a`; `if 0: a else: b` -> `b`; `while 0: ...` -> (its else)."""

    rule = "constant-condition"
    rules = RULES

    @cached_property
    def _elifs(self) -> set[int]:
        return {id(n.orelse) for n in of_type(self.module, cst.If)}

    def fix_site(self, site: Site) -> str | None:
        node = site.related[0]
        try:
            truth = bool(ast.literal_eval(self.code(site.node).strip()))
        except (ValueError, SyntaxError):
            return "heal cannot tell the constant's truth value"
        if (
            isinstance(node, cst.IfExp)
            or id(node) in self._elifs
            or (isinstance(node, cst.While) and truth)
        ):
            return "only an `if` statement or a `while` that never runs is rewritten"
        self.replace(node, partial(_taken, truth=truth))
        return None


def _taken(node: cst.CSTNode, truth: bool) -> Replacement:
    if not isinstance(node, (cst.If, cst.While)):
        raise TypeError(f"expected an if or while statement, got {type(node).__name__}")
    if truth and isinstance(node, cst.If):
        # if "x": a -> a
        return _statements(node, node.body)
    orelse = getattr(node, "orelse", None)
    if isinstance(orelse, cst.If):
        # if 0: a / elif b: c -> if b: c
        return orelse.with_changes(leading_lines=node.leading_lines)
    if isinstance(orelse, cst.Else):
        # if 0: a / else: b -> b
        return _statements(node, orelse.body)
    # if 0: a -> (nothing)
    return cst.RemovalSentinel.REMOVE


def _statements(node: cst.If | cst.While, suite: cst.BaseSuite) -> Replacement:
    body = list(cst.ensure_type(suite, cst.IndentedBlock).body)
    body[0] = body[0].with_changes(
        leading_lines=[*node.leading_lines, *order.leading_lines(body[0])]
    )
    return cst.FlattenSentinel(body)


class DefaultToNone(SiteCodemod):
    """`def f(x=[]):` -> `def f(x=None):` and `if x is None: x = []` at the top of the body."""

    rule = "mutable-default-argument"
    rules = RULES

    def __init__(self, module: cst.Module, target: tuple[int, int] | None) -> None:
        super().__init__(module, target)
        self.defaults: dict[cst.CSTNode, list[cst.Param]] = {}  # function -> its params fixed

    def fix_site(self, site: Site) -> str | None:
        func, param = site.related
        if not isinstance(cst.ensure_type(func, cst.FunctionDef).body, cst.IndentedBlock):
            return "the function's body is on its `def` line"
        if func not in self.defaults:
            self.defaults[func] = []
            self.replace(func, partial(self._prepend, func))
        self.defaults[func].append(cst.ensure_type(param, cst.Param))
        self.replace(param, _none_default)
        return None

    def _prepend(self, func: cst.CSTNode, node: cst.CSTNode) -> cst.CSTNode:
        """`func` with a check for each of its fixed parameters (all planned by now)."""
        checks = [
            cst.parse_statement(f"if {name} is None:\n    {name} = {default}\n")
            for name, default in (
                (p.name.value, self.code(p.default).strip() if p.default else "")
                for p in self.defaults[func]
            )
        ]
        # def f(x=[]): body -> def f(x=None): if x is None: x = [] / body
        updated = cst.ensure_type(node, cst.FunctionDef)
        block = cst.ensure_type(updated.body, cst.IndentedBlock)
        body = list(block.body)
        at = 1 if body and order.bound_names(body[0]) == [] and _is_docstring(body[0]) else 0
        return updated.with_changes(body=block.with_changes(body=[*body[:at], *checks, *body[at:]]))


def _none_default(node: cst.CSTNode) -> cst.CSTNode:
    # x: list[int] = [] -> x: list[int] | None = None
    param = cst.ensure_type(node, cst.Param)
    annotation = param.annotation
    if annotation is not None:
        optional = cst.BinaryOperation(annotation.annotation, cst.BitOr(), cst.Name("None"))
        annotation = annotation.with_changes(annotation=optional)
    return param.with_changes(default=cst.Name("None"), annotation=annotation)


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


CODEMODS: Codemods = {
    "UnpackAssertTuple": UnpackAssertTuple,
    "RemoveSelfAssignment": RemoveSelfAssignment,
    "RemoveUnreachable": RemoveUnreachable,
    "RemoveDuplicateBranch": RemoveDuplicateBranch,
    "ResolveConstantCondition": ResolveConstantCondition,
    "DefaultToNone": DefaultToNone,
}
