"""Logic codemods: proposed fixes of heal's own logic rules; each needs a human's approval."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from functools import partial

import libcst as cst

from healers.codemod import Codemods, legacy
from healers.finding import Finding, Transformed
from healers.imports import order
from healers.logic import rules as logic
from healers.sites import REMOVE as remove
from healers.sites import Located, Replacement, changes, locate
from healers.syntax import find


def _located(source: str, rule: str, findings: Sequence[Finding]) -> Located | Transformed:
    return locate(source, rule, logic.RULES, findings)


# --- assert-on-tuple ---------------------------------------------------------------------------


def unpack_assert_tuple(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`assert (cond, "msg")` -> `assert cond, "msg"`."""
    found = _located(source, "assert-on-tuple", findings)
    if isinstance(found, Transformed):
        return found
    for index, site in found.pairs:
        elements = cst.ensure_type(cst.ensure_type(site.node, cst.Assert).test, cst.Tuple).elements
        if len(elements) > 2 or any(isinstance(e, cst.StarredElement) for e in elements):
            found.skip(index, "the tuple is not a (condition, message) pair")
            continue
        test, msg = elements[0].value, elements[1].value if len(elements) == 2 else None
        # assert (cond, "msg") -> assert cond, "msg"
        found.edits[site.node] = changes(test=test, msg=msg)
        found.fixed.append(index)
    return found.result(source)


# --- self-assignment / unreachable-code: statements removed ------------------------------------


def remove_self_assignment(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`x = x` -> (nothing); an emptied block keeps a `pass`."""
    found = _located(source, "self-assignment", findings)
    if isinstance(found, Transformed):
        return found
    for index, site in found.pairs:
        found.edits[site.related[0]] = remove
        found.fixed.append(index)
    return found.result(source)


def remove_unreachable(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """Statements after `return`/`raise`/`continue`/`break` in the same block -> (nothing)."""
    found = _located(source, "unreachable-code", findings)
    if isinstance(found, Transformed):
        return found
    for index, site in found.pairs:
        for stmt in site.related:
            found.edits[stmt] = remove
        found.fixed.append(index)
    return found.result(source)


# --- duplicate-if-condition --------------------------------------------------------------------


def remove_duplicate_branch(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`if a: x / elif a: y` -> `if a: x`: the later branch of a repeated condition never runs."""
    found = _located(source, "duplicate-if-condition", findings)
    if isinstance(found, Transformed):
        return found
    for index, site in found.pairs:
        before = site.related[0]
        # if a: ... elif b: ... elif a: ... else: ... -> if a: ... elif b: ... else: ...
        found.edits[before] = _skip_next_branch
        found.fixed.append(index)
    return found.result(source)


# --- constant-condition ------------------------------------------------------------------------


def resolve_constant_condition(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`if "x": a else: b` -> `a`; `if 0: a else: b` -> `b`; `while 0: ...` -> (its else)."""
    found = _located(source, "constant-condition", findings)
    if isinstance(found, Transformed):
        return found
    elifs = {id(n.orelse) for n in find(found.ctx.module, cst.If) if isinstance(n, cst.If)}
    for index, site in found.pairs:
        node = site.related[0]
        try:
            truth = bool(ast.literal_eval(found.ctx.code(site.node).strip()))
        except (ValueError, SyntaxError):
            found.skip(index, "heal cannot tell the constant's truth value")
            continue
        if (
            isinstance(node, cst.IfExp)
            or id(node) in elifs
            or (isinstance(node, cst.While) and truth)
        ):
            found.skip(index, "only an `if` statement or a `while` that never runs is rewritten")
            continue
        found.edits[node] = partial(_taken, truth=truth)
        found.fixed.append(index)
    return found.result(source)


def _skip_next_branch(node: cst.CSTNode) -> cst.CSTNode:
    branch = cst.ensure_type(node, cst.If)
    return branch.with_changes(orelse=cst.ensure_type(branch.orelse, cst.If).orelse)


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
    return cst.RemovalSentinel.REMOVE


def _statements(node: cst.If | cst.While, suite: cst.BaseSuite) -> Replacement:
    body = list(cst.ensure_type(suite, cst.IndentedBlock).body)
    body[0] = body[0].with_changes(
        leading_lines=[*node.leading_lines, *order.leading_lines(body[0])]
    )
    return cst.FlattenSentinel(body)


# --- mutable-default-argument ------------------------------------------------------------------


def default_to_none(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`def f(x=[]):` -> `def f(x=None):` and `if x is None: x = []` at the top of the body."""
    found = _located(source, "mutable-default-argument", findings)
    if isinstance(found, Transformed):
        return found
    per_function: dict[cst.FunctionDef, list[cst.Param]] = {}
    for index, site in found.pairs:
        func, param = site.related
        if not isinstance(cst.ensure_type(func, cst.FunctionDef).body, cst.IndentedBlock):
            found.skip(index, "the function's body is on its `def` line")
            continue
        per_function.setdefault(func, []).append(cst.ensure_type(param, cst.Param))  # type: ignore[arg-type] # ensured above
        found.fixed.append(index)
    for func, params in per_function.items():
        code = found.ctx.code
        checks: list[cst.BaseStatement] = [
            cst.parse_statement(
                f"if {p.name.value} is None:\n    {p.name.value} = {code(p.default).strip()}\n"  # type: ignore[arg-type] # the rule found a default
            )
            for p in params
        ]
        for param in params:
            found.edits[param] = _none_default
        found.edits[func] = partial(_prepend, checks=checks)
    return found.result(source)


def _none_default(node: cst.CSTNode) -> cst.CSTNode:
    # x: list[int] = [] -> x: list[int] | None = None
    param = cst.ensure_type(node, cst.Param)
    annotation = param.annotation
    if annotation is not None:
        optional = cst.BinaryOperation(annotation.annotation, cst.BitOr(), cst.Name("None"))
        annotation = annotation.with_changes(annotation=optional)
    return param.with_changes(default=cst.Name("None"), annotation=annotation)


def _prepend(node: cst.CSTNode, checks: list[cst.BaseStatement]) -> cst.CSTNode:
    func = cst.ensure_type(node, cst.FunctionDef)
    block = cst.ensure_type(func.body, cst.IndentedBlock)
    body = list(block.body)
    at = 1 if body and order.bound_names(body[0]) == [] and _is_docstring(body[0]) else 0
    return func.with_changes(body=block.with_changes(body=[*body[:at], *checks, *body[at:]]))


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


CODEMODS: Codemods = {
    "UnpackAssertTuple": legacy(unpack_assert_tuple),
    "RemoveSelfAssignment": legacy(remove_self_assignment),
    "RemoveUnreachable": legacy(remove_unreachable),
    "RemoveDuplicateBranch": legacy(remove_duplicate_branch),
    "ResolveConstantCondition": legacy(resolve_constant_condition),
    "DefaultToNone": legacy(default_to_none),
}
