"""Type codemod for an attribute used on a value that may be None: a clear `AttributeError` raised
before the statement when it is None, never a guard that turns the crash into a silent no-op."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property, partial

import libcst as cst
import libcst.matchers as m

from healers.codemod import Replacement, Version
from healers.finding import Finding
from healers.typecheck.common import TypeCodemod, other_message

_NONE_ITEM = re.compile(r'Item "None" of "(.+)" has no attribute "([^"]+)"')
_ITEM = re.compile(r'Item "(.+?)" of "(.+)" has no attribute "([^"]+)"')
# A receiver heal can test again without calling anything: `x`, `self.x`, `a.b.c`.
DOTTED = m.Name() | m.Attribute(value=m.Name() | m.Attribute())
# Expressions that evaluate a part of themselves only sometimes, or later, or never.
DEFERRED = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
BOUNDARIES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
TARGETS = m.AssignTarget() | m.AnnAssign() | m.AugAssign() | m.For() | m.AsName() | m.NamedExpr()


class RaiseIfNone(TypeCodemod):
    """`mypy:union-attr` on `Item "None" of "X | None"`: before the statement that uses the
    value, `if x is None: raise AttributeError("x is None")`. The statement would have raised
    AttributeError on None anyway; now it says which value, and mypy knows `x` is an `X` after
    it. One check serves every later use of the same value in its block."""

    def __init__(self, module: cst.Module, target: Version | None) -> None:
        super().__init__(module, target)
        self.checks: dict[cst.CSTNode, list[str]] = {}  # statement -> receivers checked before it

    def fix(self, finding: Finding) -> str | None:
        said = _NONE_ITEM.fullmatch(finding.message)
        if said is None:
            return other_message(finding, "a possibly-None value only")
        if any(
            (f.line, f.column) == (finding.line, finding.column)
            and _NONE_ITEM.fullmatch(f.message) is None
            for f in self.findings
        ):
            # `a.b.c` where `a.b` may be None and `c` is missing from a type of `a.b` too
            return "a type of the value lacks the attribute too: mypy reports both here"
        attribute = self._attribute(finding, said.group(2))
        if attribute is None:
            return f"no `.{said.group(2)}` on a plain name where mypy points"
        stmt = self._statement(attribute)
        if isinstance(stmt, str):
            return f"{stmt} (line {finding.line}, column {finding.column})"
        receiver = self.code(attribute.value)
        if (self.enclosing(stmt, BOUNDARIES), receiver) in self._mixed:
            # `Item "Markdown" of "Markdown | None" has no attribute "toc"` in the same function:
            # once None is ruled out mypy reports attr-defined there, and the file is rolled back
            return f"`{receiver}` has another type without an attribute used in this function"
        if self._covered(stmt, receiver):
            return None
        receivers = self.checks.setdefault(stmt, [])
        receivers.append(receiver)
        self.once(stmt, partial(_check_before, receivers=receivers))
        return None

    def _attribute(self, finding: Finding, name: str) -> cst.Attribute | None:
        shape = m.Attribute(value=DOTTED, attr=m.Name(name))
        found = self.matching(finding, shape)
        return cst.ensure_type(found[0], cst.Attribute) if found else None

    @cached_property
    def _mixed(self) -> set[tuple[cst.CSTNode | None, str]]:
        """(function, receiver) where mypy says a type other than None lacks an attribute."""
        mixed = set()
        for finding in self.findings:
            said = _ITEM.fullmatch(finding.message)
            if said is None or said.group(1) == "None":
                continue
            attribute = self._attribute(finding, said.group(3))
            if attribute is not None:
                scope = self.enclosing(attribute, BOUNDARIES)
                mixed.add((scope, self.code(attribute.value)))
        return mixed

    def _statement(self, node: cst.CSTNode) -> cst.CSTNode | str:
        """The statement that evaluates `node` every time it runs, or why there is none."""
        while True:
            parent = self.parents.get(node)
            if isinstance(parent, cst.CompFor) and node is parent.iter and self._first(parent):
                # [t for t in m.group(1).split()]: the first iterable is evaluated at once
                node = self.parents[parent]
                continue
            if parent is None or isinstance(parent, (*DEFERRED, *BOUNDARIES, cst.Decorator)):
                return "the value is used in a lambda, a comprehension, a default or a decorator"
            if _conditional(parent, node):
                return "the value is used only on some paths through its expression"
            if isinstance(parent, cst.SimpleStatementLine):
                return parent if len(parent.body) == 1 else "several statements on one line"
            if isinstance(parent, (cst.SimpleStatementSuite, cst.While, cst.Match, cst.Try)):
                return "the value is used in a one-line block, a loop test or a match"
            if isinstance(parent, (cst.If, cst.For, cst.With)):
                if isinstance(parent, cst.If) and isinstance(self.parents.get(parent), cst.If):
                    return "the value is used in an elif test: earlier branches may run instead"
                if isinstance(parent, cst.For) and node is not parent.iter:
                    return "the value is assigned by the loop"
                return parent
            node = parent

    def _first(self, loop: cst.CompFor) -> bool:
        """Is `loop` the outermost `for` of its comprehension?"""
        owner = self.parents.get(loop)
        return isinstance(owner, DEFERRED[1:]) and getattr(owner, "for_in", None) is loop

    def _covered(self, stmt: cst.CSTNode, receiver: str) -> bool:
        """Does a check this run plans already run before `stmt`, in its block or an enclosing
        one of the same function, with no assignment to the receiver in between?"""
        for planned, receivers in self.checks.items():
            if receiver not in receivers:
                continue
            if planned is stmt:
                return True
            block = self.parents.get(planned)
            for ancestor in self._ancestors(stmt):
                if self.parents.get(ancestor) is not block:
                    continue
                if _index(block, ancestor) >= _index(block, planned):
                    return not self._assigned(receiver, self.positions[planned].start.line, stmt)
                break
        return False

    def _ancestors(self, stmt: cst.CSTNode) -> Iterator[cst.CSTNode]:
        node: cst.CSTNode | None = stmt
        while node is not None and not isinstance(node, BOUNDARIES):
            yield node
            node = self.parents.get(node)

    def _assigned(self, receiver: str, after: int, stmt: cst.CSTNode) -> bool:
        """Is the receiver, or a name it is read through, assigned from line `after` up to
        `stmt`?"""
        parts = receiver.split(".")
        prefixes = {".".join(parts[: i + 1]) for i in range(len(parts))}
        before = self.positions[stmt].start.line
        return any(after <= line <= before and code in prefixes for line, code in self._assignments)

    @cached_property
    def _assignments(self) -> list[tuple[int, str]]:
        """(line, target) for every name or attribute the module assigns."""
        return [
            (self.positions[name].start.line, self.code(name))
            for node in m.findall(self.module, TARGETS)
            for name in _names(getattr(node, "target", None) or getattr(node, "name", None))
        ]


def _index(block: cst.CSTNode | None, stmt: cst.CSTNode) -> int:
    """The position of `stmt` in its block's body (by identity)."""
    body = getattr(block, "body", ())
    return next(i for i, s in enumerate(body) if s is stmt)


def _conditional(parent: cst.CSTNode, node: cst.CSTNode) -> bool:
    """Is `node` evaluated only when the rest of `parent` says so?"""
    if isinstance(parent, cst.IfExp):
        return node is not parent.test
    if isinstance(parent, cst.BooleanOperation):
        return node is not parent.left
    if isinstance(parent, cst.Comparison):
        return node is not parent.left and node is not parent.comparisons[0]
    return False


def _names(target: cst.CSTNode | None) -> Iterator[cst.CSTNode]:
    if isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _names(target.value)
    elif isinstance(target, (cst.Name, cst.Attribute)):
        yield target


def _check_before(node: cst.CSTNode, *, receivers: list[str]) -> Replacement:
    if not isinstance(node, cst.BaseStatement):  # never: a statement was chosen
        return node
    stmt = node
    checks: list[cst.BaseStatement] = [_check(receiver) for receiver in receivers]
    # self.md.parser.run() -> if self.md is None:
    #                             raise AttributeError("self.md is None")
    #                         self.md.parser.run()
    checks[0] = checks[0].with_changes(leading_lines=getattr(stmt, "leading_lines", ()))
    return cst.FlattenSentinel([*checks, stmt.with_changes(leading_lines=())])


def _check(receiver: str) -> cst.If:
    message = cst.SimpleString(f'"{receiver} is None"')
    error = cst.Call(cst.Name("AttributeError"), [cst.Arg(message)])
    test = cst.Comparison(
        cst.parse_expression(receiver), [cst.ComparisonTarget(cst.Is(), cst.Name("None"))]
    )
    raise_ = cst.SimpleStatementLine([cst.Raise(error)])
    return cst.If(test=test, body=cst.IndentedBlock([raise_]))
