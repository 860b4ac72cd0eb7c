"""Security codemod for `tempfile.mktemp()` in any statement (assignment, argument, return): the
statement runs inside `with tempfile.NamedTemporaryFile(delete=False) as tmp_file:` and uses
`tmp_file.name`, a file created atomically instead of a name someone else can create first."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from healers.finding import Finding, Transformed
from healers.security.flagged import CANNOT_PARSE, NOT_FOUND, char_column, dotted, parse
from healers.source import lines as source_lines

MKTEMP_PARAMS = ("suffix", "prefix", "dir")
# Inside these the call may run many times, or not at all: one file made before is not the same.
CONDITIONAL = (
    cst.Lambda,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.GeneratorExp,
    cst.BooleanOperation,
    cst.IfExp,
)
STATEMENTS = (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr, cst.Return)


class _WrapMktemp(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(self, source: str, findings: Sequence[Finding], names: set[str]) -> None:
        super().__init__()
        lines = source_lines(source)
        self.wanted = {(f.line, char_column(lines, f)): i for i, f in enumerate(findings)}
        self.fixed: list[int] = []
        self.unfixed: dict[int, str] = {}
        self.names = names  # every name the module uses: the new variable must be fresh
        self.pending: dict[cst.SimpleStatementLine, tuple[str, cst.Call]] = {}

    def _statement(self, node: cst.CSTNode) -> cst.SimpleStatementLine | str:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        while parent is not None and not isinstance(parent, cst.SimpleStatementLine):
            if isinstance(parent, CONDITIONAL):
                return "mktemp() runs conditionally or repeatedly inside its statement"
            if isinstance(parent, (cst.SimpleStatementSuite, cst.BaseCompoundStatement)):
                return "mktemp() is in a compound statement's header or a one-line block"
            parent = self.get_metadata(ParentNodeProvider, parent, None)
        if parent is None:
            return "mktemp() is not inside a simple statement"
        if len(parent.body) != 1 or not isinstance(parent.body[0], STATEMENTS):
            return "mktemp() shares its line with other statements"
        if parent in self.pending:
            return "two mktemp() calls in one statement"
        return parent

    def _fresh(self) -> str:
        name, n = "tmp_file", 1
        while name in self.names:
            n += 1
            name = f"tmp_file_{n}"
        self.names.add(name)
        return name

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        start = self.get_metadata(PositionProvider, original_node).start
        index = self.wanted.get((start.line, start.column))
        if index is None or index in self.fixed or index in self.unfixed:
            return updated_node
        if not dotted(updated_node.func).endswith("tempfile.mktemp"):
            if dotted(updated_node.func) == "mktemp":
                self.unfixed[index] = "called as a bare name: tempfile is not known to be imported"
            return updated_node
        if any(a.star for a in updated_node.args) or len(updated_node.args) > 3:
            self.unfixed[index] = "mktemp() is given *args or **kwargs"
            return updated_node
        statement = self._statement(original_node)
        if isinstance(statement, str):
            self.unfixed[index] = statement
            return updated_node
        name = self._fresh()
        self.pending[statement] = (name, updated_node)
        self.fixed.append(index)
        # tempfile.mktemp() -> tmp_file.name
        return cst.Attribute(cst.Name(name), cst.Name("name"))

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        if original_node not in self.pending:
            return updated_node
        name, call = self.pending[original_node]
        args = [cst.Arg(cst.Name("False"), keyword=cst.Name("delete"), equal=_EQUAL)]
        for position, arg in enumerate(call.args):
            key = arg.keyword.value if arg.keyword else MKTEMP_PARAMS[position]
            args.append(cst.Arg(arg.value, keyword=cst.Name(key), equal=_EQUAL))
        func = cst.ensure_type(call.func, cst.Attribute).with_changes(
            attr=cst.Name("NamedTemporaryFile")
        )
        opened = cst.Call(func=func, args=_commas(args))
        # x = tempfile.mktemp()
        #   -> with tempfile.NamedTemporaryFile(delete=False) as tmp_file:
        #          x = tmp_file.name
        return cst.With(
            items=[cst.WithItem(opened, asname=cst.AsName(cst.Name(name)))],
            body=cst.IndentedBlock([updated_node.with_changes(leading_lines=())]),
            leading_lines=updated_node.leading_lines,
        )


_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


def _commas(args: list[cst.Arg]) -> list[cst.Arg]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=comma) for a in args[:-1]] + args[-1:]


def _names(module: cst.Module) -> set[str]:
    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    module.visit(Names())
    return found


def mktemp_to_named_temporary_file(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """bandit B306: mktemp() returns a name another process can claim before it is opened."""
    module = parse(source)
    if module is None:
        return Transformed(source, unfixed=tuple((i, CANNOT_PARSE) for i in range(len(findings))))
    transformer = _WrapMktemp(source, findings, _names(module))
    new = MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer)
    unfixed = dict(transformer.unfixed)
    unfixed.update(
        {
            i: NOT_FOUND
            for i in range(len(findings))
            if i not in transformer.fixed and i not in unfixed
        }
    )
    text = new.code if transformer.fixed else source
    return Transformed(text, tuple(sorted(transformer.fixed)), tuple(sorted(unfixed.items())))
