"""Security codemod for `tempfile.mktemp()` in any statement (assignment, argument, return): the
statement runs inside `with tempfile.NamedTemporaryFile(delete=False) as tmp_file:` and uses
`tmp_file.name`, a file created atomically instead of a name someone else can create first."""

from __future__ import annotations

from functools import cached_property, partial

import libcst as cst

from healers.codemod import Rewrite
from healers.finding import Finding
from healers.security.flagged import FlaggedCodemod, dotted
from healers.syntax import fresh_name, module_names

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
_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


class MktempToNamedTemporaryFile(FlaggedCodemod):
    """bandit B306: mktemp() returns a name another process can claim before it is opened.
    Two replacements per call: the call becomes `tmp_file.name`, its statement goes inside the
    `with` that creates the file."""

    asked_again = False  # a second finding on the same call finds nothing: as before

    def __init__(self, module: cst.Module, target: tuple[int, int] | None) -> None:
        super().__init__(module, target)
        self.planned: set[cst.SimpleStatementLine] = set()
        # filled while rewriting (each call leaves before its statement): the name, the call
        self.opened: dict[cst.SimpleStatementLine, tuple[str, cst.Call]] = {}

    def covers(self, node: cst.CSTNode, finding: Finding) -> bool:
        return self.positions[node].start.line == finding.line  # B306 points at the call itself

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        named = dotted(call.func).endswith("tempfile.mktemp")
        if not named and self.qualified(call.func) != "tempfile.mktemp":
            if dotted(call.func) == "mktemp":
                return "called as a bare name: tempfile is not known to be imported"
            return None
        if isinstance(call.func, cst.Name):  # from tempfile import mktemp (as mt)
            if self._tempfile_bound_otherwise():
                return "tempfile is a name of this module that is not the module: not imported"
            self.imports.add("tempfile")
        if any(a.star for a in call.args) or len(call.args) > 3:
            return "mktemp() is given *args or **kwargs"
        statement = self._statement(call)
        if isinstance(statement, str):
            return statement
        self.planned.add(statement)
        self.replace(statement, partial(self._open_around, statement))
        return partial(self._file_name, statement)

    def _statement(self, node: cst.CSTNode) -> cst.SimpleStatementLine | str:
        parent = self.parents.get(node)
        while parent is not None and not isinstance(parent, cst.SimpleStatementLine):
            if isinstance(parent, CONDITIONAL):
                return "mktemp() runs conditionally or repeatedly inside its statement"
            if isinstance(parent, (cst.SimpleStatementSuite, cst.BaseCompoundStatement)):
                return "mktemp() is in a compound statement's header or a one-line block"
            parent = self.parents.get(parent)
        if parent is None:
            return "mktemp() is not inside a simple statement"
        if len(parent.body) != 1 or not isinstance(parent.body[0], STATEMENTS):
            return "mktemp() shares its line with other statements"
        if parent in self.planned:
            return "two mktemp() calls in one statement"
        return parent

    def _tempfile_bound_otherwise(self) -> bool:
        """Does any scope bind `tempfile` to something else than `import tempfile`?"""
        for scope in self.scopes:
            for assignment in scope.assignments["tempfile"]:
                node = getattr(assignment, "node", None)
                if not (isinstance(node, cst.Import) and imports_tempfile(node)):
                    return True
        return False

    @cached_property
    def _taken(self) -> set[str]:
        return module_names(self.module)  # the new variable must be a name the file never uses

    def _file_name(self, statement: cst.SimpleStatementLine, node: cst.CSTNode) -> cst.CSTNode:
        name = fresh_name("tmp_file", self._taken)  # chosen in source order, as the calls leave
        self.opened[statement] = (name, cst.ensure_type(node, cst.Call))
        # tempfile.mktemp() -> tmp_file.name
        return cst.Attribute(cst.Name(name), cst.Name("name"))

    def _open_around(self, statement: cst.SimpleStatementLine, node: cst.CSTNode) -> cst.CSTNode:
        name, call = self.opened[statement]
        args = [cst.Arg(cst.Name("False"), keyword=cst.Name("delete"), equal=_EQUAL)]
        for position, arg in enumerate(call.args):
            key = arg.keyword.value if arg.keyword else MKTEMP_PARAMS[position]
            args.append(cst.Arg(arg.value, keyword=cst.Name(key), equal=_EQUAL))
        func: cst.BaseExpression = cst.Attribute(
            cst.Name("tempfile"), cst.Name("NamedTemporaryFile")
        )
        if isinstance(call.func, cst.Attribute):  # tmp.mktemp() -> tmp.NamedTemporaryFile()
            func = call.func.with_changes(attr=cst.Name("NamedTemporaryFile"))
        opened = cst.Call(func=func, args=_commas(args))
        line = cst.ensure_type(node, cst.SimpleStatementLine)
        # x = tempfile.mktemp()
        #   -> with tempfile.NamedTemporaryFile(delete=False) as tmp_file:
        #          x = tmp_file.name
        return cst.With(
            items=[cst.WithItem(opened, asname=cst.AsName(cst.Name(name)))],
            body=cst.IndentedBlock([line.with_changes(leading_lines=())]),
            leading_lines=line.leading_lines,
        )


def imports_tempfile(node: cst.Import) -> bool:
    return any(a.asname is None and dotted(a.name) == "tempfile" for a in node.names)


def _commas(args: list[cst.Arg]) -> list[cst.Arg]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=comma) for a in args[:-1]] + args[-1:]
