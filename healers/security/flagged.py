"""The security codemods' family base: the node bandit flagged (its line and byte column) asked
for a rewrite, and helpers for the keyword arguments most of these rewrites change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property
from typing import ClassVar

import libcst as cst
from libcst.helpers import get_full_name_for_node

from healers.codemod import FindingCodemod, Rewrite
from healers.finding import Finding
from healers.imports import order
from healers.source import lines as source_lines

NOT_FOUND = "the flagged code was not found where bandit reported it"


def char_column(source_lines: Sequence[str], finding: Finding) -> int:
    """bandit's column counts UTF-8 bytes (ast col_offset); libcst's counts characters."""
    if not 0 < finding.line <= len(source_lines):
        return finding.column - 1
    raw = source_lines[finding.line - 1].encode("utf-8", "surrogatepass")
    return len(raw[: finding.column - 1].decode("utf-8", "replace"))


class FlaggedCodemod(FindingCodemod):
    """A codemod for bandit's findings. The nodes of `kinds` that start at the finding's column
    and span its line (B501 reports the line of `verify=` inside the call) are asked, innermost
    first (post-order), for a `rewrite`; the first that answers decides: a Rewrite fixes the
    finding, a string says why not, None means "not this node" (another node starts at the same
    place, as `a.b(c)` inside `a.b(c).d()`). A node a finding rewrote is asked again, as
    rewritten, by the later findings that reach it: when it no longer answers they move on to
    the next node (`requests.get(u).json()` flagged twice at one column: the inner call, then
    the outer one). Modules named in `imports` are imported at the top of the file once the
    nodes are rewritten."""

    kinds: ClassVar[tuple[type[cst.CSTNode], ...]] = (cst.Call,)
    asked_again: ClassVar[bool] = True  # False: a node answers one finding, the others move on

    def __init__(self, module: cst.Module, target: tuple[int, int] | None) -> None:
        super().__init__(module, target)
        self.imports: set[str] = set()  # modules a rewrite needs imported (`import os`)
        self.answered: dict[cst.CSTNode, list[Rewrite]] = {}  # node -> the rewrites it gave

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        """The rewrite of `node` for `finding`, why there is none, or None when `node` is not the
        node flagged. `node` is a node of the module (parents, positions and code are known
        for it), or one an earlier finding rewrote (then they are not)."""
        raise NotImplementedError

    def covers(self, node: cst.CSTNode, finding: Finding) -> bool:
        """Does `node` (starting at the finding's column) hold the finding's line?"""
        where = self.positions[node]
        return where.start.line <= finding.line <= where.end.line

    def fix(self, finding: Finding) -> str | None:
        for node in self._flaggable.get(char_column(self._lines, finding), ()):
            if not self.covers(node, finding):
                continue
            earlier = self.answered.get(node, [])
            if earlier and not self.asked_again:
                continue
            answer = self.rewrite(_rewritten(node, earlier), finding)
            if isinstance(answer, str):
                return answer
            if answer is not None:
                self.replace(node, answer)
                self.answered.setdefault(node, []).append(answer)
                return None
        return NOT_FOUND

    def finish(self, module: cst.Module) -> cst.Module | str:
        body: list[cst.BaseStatement] = list(module.body)
        for name in sorted(self.imports):
            if not imports_module(module, name):
                # x = os.environ["X"] -> import os / x = os.environ["X"]
                order.insert_import(body, order.statement(f"import {name}"), start=0, top=True)
        return module.with_changes(body=body)

    def qualified(self, node: cst.CSTNode) -> str:
        """The dotted name of `node` with an imported alias spelled out (`o.popen` -> `os.popen`
        after `import os as o`), as bandit resolves it."""
        head, dot, rest = dotted(node).partition(".")
        full = self._aliases.get(head)
        return f"{full}{dot}{rest}" if full else f"{head}{dot}{rest}"

    @cached_property
    def _aliases(self) -> dict[str, str]:
        return aliases(self.module)

    @cached_property
    def _lines(self) -> list[str]:
        return source_lines(self.module.code)

    @cached_property
    def _flaggable(self) -> dict[int, list[cst.CSTNode]]:
        """The nodes of `kinds` by the column they start at, each list in post-order."""
        by_column: dict[int, list[cst.CSTNode]] = defaultdict(list)
        for node in _post_order(self.module, self.kinds):
            by_column[self.positions[node].start.column].append(node)
        return by_column


def _rewritten(node: cst.CSTNode, rewrites: Sequence[Rewrite]) -> cst.CSTNode:
    """`node` after `rewrites` (not those of the nodes inside it: no rewrite here looks at
    them), as the earlier findings on it left it."""
    for rewrite in rewrites:
        done = rewrite(node)
        if not isinstance(done, cst.CSTNode):
            break
        node = done
    return node


class _PostOrder(cst.CSTVisitor):
    def __init__(self, kinds: tuple[type[cst.CSTNode], ...]) -> None:
        super().__init__()
        self.kinds = kinds
        self.found: list[cst.CSTNode] = []

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, self.kinds):
            self.found.append(original_node)


def _post_order(module: cst.Module, kinds: tuple[type[cst.CSTNode], ...]) -> list[cst.CSTNode]:
    """The nodes of `kinds`, inner ones first, as a transformer leaves them."""
    visitor = _PostOrder(kinds)
    module.visit(visitor)
    return visitor.found


def imports_module(module: cst.Module, name: str) -> bool:
    """Is `import name` (unaliased) a statement at the module's top level?"""
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                    a.asname is None and get_full_name_for_node(a.name) == name for a in small.names
                ):
                    return True
    return False


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def with_keyword(name: str, value: cst.BaseExpression) -> Rewrite:
    """A rewrite of a call that sets its keyword argument `name` to `value` (`set_keyword`)."""
    return lambda node: set_keyword(cst.ensure_type(node, cst.Call), name, value)


def set_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """`f(a, k=old)` -> `f(a, k=value)`; `f(a)` -> `f(a, k=value)` (after the last argument, in
    the call's own style of comma spacing)."""
    found = keyword(call, name)
    if found is not None:
        args = [a.with_changes(value=value) if a is found else a for a in call.args]
        return call.with_changes(args=args)
    new = cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    if last.comma is cst.MaybeSentinel.DEFAULT:
        # the space before `)` (perhaps a line break) belongs to the last argument: it moves along
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        args[-1] = last.with_changes(comma=comma, whitespace_after_arg=cst.SimpleWhitespace(""))
        args.append(new.with_changes(whitespace_after_arg=last.whitespace_after_arg))
    else:
        # one argument per line, with a trailing comma: the new one gets its own line, indented
        # like the last one (whose indent is the comma before it, or the space after `(`)
        before = args[-2].comma if len(args) > 1 else None
        indent = before.whitespace_after if isinstance(before, cst.Comma) else None
        indent = indent if indent is not None else call.whitespace_before_args
        if isinstance(indent, cst.SimpleWhitespace):  # all on one line: `f(a,)` -> `f(a, k=v,)`
            indent = cst.SimpleWhitespace(" ")
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=indent))
        args.append(new.with_changes(comma=last.comma))
    return call.with_changes(args=args)


def with_arg(index: int, value: cst.BaseExpression) -> Rewrite:
    """A rewrite of a call that puts `value` into its argument at `index` (the rewritten call
    has the original's arguments, in order)."""

    def rewrite(node: cst.CSTNode) -> cst.CSTNode:
        call = cst.ensure_type(node, cst.Call)
        args = list(call.args)
        args[index] = args[index].with_changes(value=value)
        return call.with_changes(args=args)

    return rewrite


def dotted(node: cst.CSTNode) -> str:
    return get_full_name_for_node(node) or ""


def aliases(module: cst.Module) -> dict[str, str]:
    """The names the module's top-level imports bind to another dotted name: `o` -> `os` for
    `import os as o`, `pos` -> `os.popen` for `from os import popen as pos`."""
    found: dict[str, str] = {}
    for stmt in module.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if alias.asname is not None:
                        found[alias.evaluated_alias or ""] = alias.evaluated_name
            elif (
                isinstance(small, cst.ImportFrom)
                and small.module is not None
                and not small.relative
                and not isinstance(small.names, cst.ImportStar)
            ):
                source = dotted(small.module)
                for alias in small.names:
                    bound = alias.evaluated_alias or alias.evaluated_name
                    found[bound] = f"{source}.{alias.evaluated_name}"
    return found
