"""Find the node bandit flagged: its (line, column) -> the libcst node, and a transformer that
rewrites only flagged nodes, each rewrite saying whether it fixed the finding or why not."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from healers.finding import Finding, Transformed
from healers.imports import order
from healers.source import lines as source_lines

NOT_FOUND = "the flagged code was not found where bandit reported it"
CANNOT_PARSE = "libcst cannot parse this file and write it back byte for byte"

# A rewrite gets the transformer (for parents and imports), the node and its finding; it returns
# the new node, a reason it does not rewrite (str), or None when this node is not the one flagged
# (another node starts at the same place, as `a.b(c)` inside `a.b(c).d()`).
Rewrite = Callable[["FlaggedRewriter", cst.CSTNode, Finding], "cst.CSTNode | str | None"]


def char_column(source_lines: Sequence[str], finding: Finding) -> int:
    """bandit's column counts UTF-8 bytes (ast col_offset); libcst's counts characters."""
    if not 0 < finding.line <= len(source_lines):
        return finding.column - 1
    raw = source_lines[finding.line - 1].encode("utf-8", "surrogatepass")
    return len(raw[: finding.column - 1].decode("utf-8", "replace"))


class FlaggedRewriter(cst.CSTTransformer):
    """Calls `rewrite` on each node of the given types that starts where a finding points."""

    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(
        self,
        source: str,
        findings: Sequence[Finding],
        types: tuple[type[cst.CSTNode], ...],
        rewrite: Rewrite,
    ) -> None:
        super().__init__()
        lines = source_lines(source)
        self.findings = findings
        self.types = types
        self.rewrite = rewrite
        # bandit's column is the node's, its line sometimes that of an argument inside it
        # (B501 reports the line of `verify=`): a node matches by column and by line range
        self.wanted: dict[int, list[int]] = {}
        for i, f in enumerate(findings):
            self.wanted.setdefault(char_column(lines, f), []).append(i)
        self.fixed: list[int] = []
        self.unfixed: dict[int, str] = {}
        self.imports: set[str] = set()  # modules a rewrite needs imported (`import os`)
        self.current: cst.CSTNode | None = None  # the original of the node being rewritten

    def parent(self, node: cst.CSTNode | None = None) -> cst.CSTNode | None:
        """The parent of `node` (an original node), by default of the node being rewritten."""
        node = node if node is not None else self.current
        return None if node is None else self.get_metadata(ParentNodeProvider, node, None)

    def on_leave(  # type: ignore[override] # a rewrite may change the node's type (x = ... -> with)
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        result = super().on_leave(original_node, updated_node)
        if not isinstance(original_node, self.types) or not isinstance(result, cst.CSTNode):
            return result
        where = self.get_metadata(PositionProvider, original_node)
        for i in self.wanted.get(where.start.column, []):
            if i in self.fixed or i in self.unfixed:
                continue
            if not where.start.line <= self.findings[i].line <= where.end.line:
                continue
            self.current = original_node
            outcome = self.rewrite(self, result, self.findings[i])
            if outcome is None:
                continue
            if isinstance(outcome, str):
                self.unfixed[i] = outcome
                continue
            self.fixed.append(i)
            result = outcome
        return result


def parse(source: str) -> cst.Module | None:
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    # libcst drops a trailing bare "\r" (conventions.md section 0): never rewrite such a file
    return module if module.code == source else None


def rewrite_flagged(
    source: str,
    findings: Sequence[Finding],
    types: tuple[type[cst.CSTNode], ...],
    rewrite: Rewrite,
) -> Transformed:
    """Run `rewrite` on the flagged nodes of `types` and add the imports the rewrites asked for."""
    module = parse(source)
    if module is None:
        return Transformed(source, unfixed=tuple((i, CANNOT_PARSE) for i in range(len(findings))))
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    transformer = FlaggedRewriter(source, findings, types, rewrite)
    new = wrapper.visit(transformer)
    unfixed = dict(transformer.unfixed)
    for i in range(len(findings)):
        if i not in transformer.fixed and i not in unfixed:
            unfixed[i] = NOT_FOUND
    if not transformer.fixed:
        return Transformed(source, unfixed=tuple(sorted(unfixed.items())))
    body: list[cst.BaseStatement] = list(new.body)
    for name in sorted(transformer.imports):
        if not imports_module(new, name):
            order.insert_import(body, order.statement(f"import {name}"), start=0, top=True)
    text = new.with_changes(body=body).code
    return Transformed(text, tuple(sorted(transformer.fixed)), tuple(sorted(unfixed.items())))


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


def dotted(node: cst.CSTNode) -> str:
    return cst.helpers.get_full_name_for_node(node) or ""
