"""Type codemods for what silences mypy needlessly: unused `# type: ignore`s and redundant casts."""

from __future__ import annotations

import re
from functools import cached_property, partial

import libcst as cst
import libcst.matchers as m
from libcst.metadata import GlobalScope, ImportAssignment, MetadataWrapper, Scope, ScopeProvider

from healers.finding import Finding
from healers.imports import order
from healers.typecheck.common import TypeCodemod, other_message

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


class RemoveUnusedIgnore(TypeCodemod):
    """`mypy:unused-ignore`: drop the comment, or only the codes mypy says are unused."""

    @cached_property
    def comments(self) -> dict[int, cst.TrailingWhitespace]:
        """The `# type: ignore` comments that end a line, by line."""
        return {
            self.line(n): n
            for n in self.positions
            if isinstance(n, cst.TrailingWhitespace)
            and n.comment
            and _IGNORE.search(n.comment.value)
        }

    def fix(self, finding: Finding) -> str | None:
        said = _UNUSED.fullmatch(finding.message)
        trailing = self.comments.get(finding.line)
        if said is None:
            return other_message(finding, "the unused-ignore message only")
        if trailing is None or trailing in self.edits:
            return f"no `# type: ignore` comment at the end of line {finding.line}"
        unused = {c.strip() for c in (said.group(1) or "").split(",") if c.strip()}
        self.replace(trailing, partial(_without, unused=unused))
        return None


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
    # x  # type: ignore  # why -> x  # why
    return trailing.with_changes(comment=cst.Comment(rest if rest.startswith("#") else f"# {rest}"))


class UnwrapRedundantCast(TypeCodemod):
    """`mypy:redundant-cast`: `cast(T, x)` -> `x`; the `cast` import goes when nothing uses it."""

    def fix(self, finding: Finding) -> str | None:
        calls = self.matching(finding, CAST_CALL)
        if _REDUNDANT.fullmatch(finding.message) is None:
            return other_message(finding, "the redundant-cast message only")
        call = cst.ensure_type(calls[0], cst.Call) if calls else None
        if call is None or len(call.args) != 2 or any(a.keyword or a.star for a in call.args):
            return "no `cast(type, value)` call where mypy points"
        alone = isinstance(self.parents.get(call), ALONE)
        self.once(call, partial(_unwrap, alone=alone))
        return None

    def finish(self, module: cst.Module) -> cst.Module:
        return _drop_unused_cast_import(module)


def _unwrap(node: cst.CSTNode, *, alone: bool) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    value = call.args[1].value
    if alone or isinstance(value, ATOMS) or value.lpar:
        # cast(int, n) -> n
        return value.with_changes(lpar=call.lpar, rpar=call.rpar) if call.lpar else value
    # cast(int, a + b) * 2 -> (a + b) * 2
    return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _drop_unused_cast_import(module: cst.Module) -> cst.Module:
    after = cst.parse_module(module.code)  # the unwrapped module's own scopes, parsed anew
    scope = _global_scope(after)
    if scope is None:
        return module
    for assignment in scope.assignments["cast"]:
        if assignment.references or not isinstance(assignment, ImportAssignment):
            return module  # used elsewhere, or bound by something heal did not write
    body: order.Body = list(after.body)
    for stmt in after.body:
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
    return after.with_changes(body=body)


def _global_scope(module: cst.Module) -> Scope | None:
    scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider).values()
    return next((s for s in scopes if isinstance(s, GlobalScope)), None)
