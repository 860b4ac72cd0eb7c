"""Type codemods for what silences mypy needlessly: unused `# type: ignore`s and redundant casts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ImportAssignment

from healers.finding import Finding, Transformed
from healers.imports import order
from healers.typecheck.common import (
    Parsed,
    Rewrite,
    Targets,
    Version,
    cannot_parse,
    other_message,
    result,
)

_UNUSED = re.compile(r'Unused "type: ignore(?:\[([^\]]*)\])?" comment')
_IGNORE = re.compile(r"#\s*type:\s*ignore(?:\[([^\]]*)\])?")
_REDUNDANT = re.compile(r'Redundant cast to "(.+)"')
CAST_CALL = m.Call(func=m.Name("cast") | m.Attribute(value=m.Name("typing"), attr=m.Name("cast")))
# Where an unwrapped expression needs no parentheses: it stands alone in its slot.
ALONE = (cst.Arg, cst.Return, cst.Assign, cst.AnnAssign, cst.Expr, cst.Element, cst.DictElement)
ATOMS = (
    cst.Name,
    cst.Attribute,
    cst.Call,
    cst.Subscript,
    cst.BaseString,
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.List,
    cst.Dict,
    cst.Set,
    cst.ListComp,
    cst.DictComp,
    cst.SetComp,
)


def remove_unused_ignore(
    source: str, findings: Sequence[Finding], target: Version | None = None
) -> Transformed:
    """`mypy:unused-ignore`: drop the comment, or only the codes mypy says are unused."""
    parsed = Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    comments = {
        parsed.line(n): n
        for n in parsed.positions
        if isinstance(n, cst.TrailingWhitespace) and n.comment and _IGNORE.search(n.comment.value)
    }
    targets: Targets = {}
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    for index, finding in enumerate(findings):
        said = _UNUSED.fullmatch(finding.message)
        trailing = comments.get(finding.line)
        if said is None:
            unfixed.append((index, other_message(finding, "the unused-ignore message only")))
        elif trailing is None or trailing in targets:
            unfixed.append(
                (index, f"no `# type: ignore` comment at the end of line {finding.line}")
            )
        else:
            unused = {c.strip() for c in (said.group(1) or "").split(",") if c.strip()}
            targets[trailing] = partial(_without, unused=unused)
            fixed.append(index)
    module = parsed.module.visit(Rewrite(targets)) if targets else parsed.module
    return result(source, cst.ensure_type(module, cst.Module), fixed, unfixed)


def _without(node: cst.CSTNode, *, unused: set[str]) -> cst.CSTNode:
    trailing = cst.ensure_type(node, cst.TrailingWhitespace)
    value = trailing.comment.value if trailing.comment else ""
    found = _IGNORE.search(value)
    if found is None:  # never: chosen for its `# type: ignore`
        return trailing
    codes = [c.strip() for c in (found.group(1) or "").split(",") if c.strip()]
    kept = [c for c in codes if c not in unused] if unused else []
    if kept:
        # x  # type: ignore[a, b] -> x  # type: ignore[b]
        ignore = f"# type: ignore[{', '.join(kept)}]"
        return trailing.with_changes(
            comment=cst.Comment(value[: found.start()] + ignore + value[found.end() :])
        )
    rest = (value[: found.start()] + value[found.end() :]).strip()
    if not rest:
        # x  # type: ignore -> x
        return trailing.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
    # x  # type: ignore
    return trailing.with_changes(comment=cst.Comment(rest if rest.startswith("#") else f"# {rest}"))


def unwrap_redundant_cast(
    source: str, findings: Sequence[Finding], target: Version | None = None
) -> Transformed:
    """`mypy:redundant-cast`: `cast(T, x)` -> `x`; the `cast` import goes when nothing uses it."""
    parsed = Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    targets: Targets = {}
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    for index, finding in enumerate(findings):
        calls = parsed.at(finding, CAST_CALL)
        if _REDUNDANT.fullmatch(finding.message) is None:
            unfixed.append((index, other_message(finding, "the redundant-cast message only")))
            continue
        call = cst.ensure_type(calls[0], cst.Call) if calls else None
        if call is None or len(call.args) != 2 or any(a.keyword or a.star for a in call.args):
            unfixed.append((index, "no `cast(type, value)` call where mypy points"))
            continue
        alone = isinstance(parsed.parents.get(call), ALONE)
        targets[call] = partial(_unwrap, alone=alone)
        fixed.append(index)
    if not targets:
        return result(source, parsed.module, fixed, unfixed)
    module = cst.ensure_type(parsed.module.visit(Rewrite(targets)), cst.Module)
    return result(source, _drop_unused_cast_import(module), fixed, unfixed)


def _unwrap(node: cst.CSTNode, *, alone: bool) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    value = call.args[1].value
    if alone or isinstance(value, ATOMS) or value.lpar:
        # cast(int, n) -> n
        return value.with_changes(lpar=call.lpar, rpar=call.rpar) if call.lpar else value
    # cast(int, a + b) * 2 -> (a + b) * 2
    return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _drop_unused_cast_import(module: cst.Module) -> cst.Module:
    after = Parsed(module.code)
    scope = after.global_scope()
    if scope is None:
        return module
    for assignment in scope.assignments["cast"]:
        if assignment.references or not isinstance(assignment, ImportAssignment):
            return module  # used elsewhere, or bound by something heal did not write
    body: order.Body = list(after.module.body)
    for stmt in after.module.body:
        if not m.matches(stmt, m.SimpleStatementLine(body=[m.ImportFrom(module=m.Name("typing"))])):
            continue
        node = cst.ensure_type(
            cst.ensure_type(stmt, cst.SimpleStatementLine).body[0], cst.ImportFrom
        )
        if isinstance(node.names, cst.ImportStar):
            continue
        names = list(node.names)
        gone = [a for a in names if m.matches(a, m.ImportAlias(name=m.Name("cast"), asname=None))]
        if not gone:
            continue
        if len(names) == 1:
            # from typing import cast -> (nothing)
            order.remove_import(body, cst.ensure_type(stmt, cst.SimpleStatementLine))
            continue
        # from typing import Any, cast -> from typing import Any
        kept = [a for a in names if a is not gone[0]]
        if names[-1] is gone[0]:
            kept[-1] = kept[-1].with_changes(comma=gone[0].comma)
        body[body.index(stmt)] = stmt.with_changes(body=[node.with_changes(names=kept)])
    return after.module.with_changes(body=body)
