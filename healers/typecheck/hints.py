"""Type codemods that write type hints: `any` -> `Any`, the return type of a plain function."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import TypeVar

import libcst as cst
import libcst.matchers as m

from healers.codemod import Version
from healers.finding import Finding
from healers.typecheck.common import TypeCodemod, other_message

_NOT_A_TYPE = re.compile(r'Function "builtins\.(any|callable)" is not valid as a type')
TYPING_NAMES = {"any": ("Any", "typing"), "callable": ("Callable", "collections.abc")}
LITERAL_TYPES = (
    (m.SimpleString(value=m.MatchRegex(r"(?s)[rRuU]?['\"].*")) | m.FormattedString(), "str"),
    (m.SimpleString(value=m.MatchRegex(r"(?s)[rR]?[bB].*")), "bytes"),
    (m.Integer(), "int"),
    (m.Float(), "float"),
    (m.Name("True") | m.Name("False"), "bool"),
)
# A body that says nothing about what overrides return: a stub, an abstract method.
STUB_LINE = m.SimpleStatementLine(
    body=[m.Pass() | m.Expr(m.Ellipsis() | m.SimpleString() | m.ConcatenatedString()) | m.Raise()]
)
MISSING_RETURN_TYPE = (
    "Function is missing a return type annotation",
    "Function is missing a type annotation",
)
NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
NodeT = TypeVar("NodeT", bound=cst.CSTNode)


class UseTypingName(TypeCodemod):
    """`mypy:valid-type` for the builtins `any` / `callable` used as types -> `Any` / `Callable`."""

    def __init__(self, module: cst.Module, target: Version | None) -> None:
        super().__init__(module, target)
        self.imports: dict[str, str] = {}  # name -> the module heal imports it from

    def fix(self, finding: Finding) -> str | None:
        said = _NOT_A_TYPE.fullmatch(finding.message)
        if said is None:
            return other_message(finding, "`any` and `callable` as types only")
        name, source_module = TYPING_NAMES[said.group(1)]
        if source_module == "collections.abc" and self.binding("Any") == "typing":
            source_module = "typing"  # the file's habit: its typing names come from typing
        nodes = self.matching(finding, m.Name(said.group(1)))
        why = self.needs_import(name, source_module)
        if not nodes:
            return f"no `{said.group(1)}` where mypy points"
        if why:
            return why
        unusual = self.why_not_import(evaluated=self.evaluated(nodes[0])) if why == "" else ""
        if unusual:
            return unusual
        self.once(nodes[0], partial(_rename, name=name))
        if why is not None:
            self.imports[name] = source_module
        return None

    def finish(self, module: cst.Module) -> cst.Module:
        for name, source_module in sorted(self.imports.items()):
            module = self.import_typing_name(module, name, source_module)
        return module


def _rename(node: cst.CSTNode, *, name: str) -> cst.CSTNode:
    # x: any -> x: Any
    return cst.ensure_type(node, cst.Name).with_changes(value=name)


class AnnotateReturn(TypeCodemod):
    """`mypy:no-untyped-def`: `-> None` for a function that never returns a value, or the type
    of the one kind of literal it returns; parameters are left to a human."""

    def fix(self, finding: Finding) -> str | None:
        funcs = self.functions_at(finding.line)
        func = funcs[0] if len(funcs) == 1 else None
        why = self._why_not(finding, func)
        returns = _returned_type(func) if func is not None and not why else ""
        if func is None or why or not returns:
            return why or "it returns values other than one kind of literal"
        self.once(func, partial(_add_returns, returns=returns))
        return None

    def _why_not(self, finding: Finding, func: cst.FunctionDef | None) -> str:
        if finding.message not in MISSING_RETURN_TYPE:
            return other_message(finding, "a missing return type only")
        if func is None:
            return f"no single function defined on line {finding.line}"
        params = func.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        method = isinstance(self.enclosing(func, (cst.FunctionDef, cst.ClassDef)), cst.ClassDef)
        untyped = [
            p for i, p in enumerate(every) if p.annotation is None and not (method and i == 0)
        ]
        if untyped or isinstance(params.star_arg, cst.Param) or params.star_kwarg:
            return "its parameters need types too, and only a human knows them"
        body = func.body.body if isinstance(func.body, cst.IndentedBlock) else ()
        if (method or func.decorators) and all(m.matches(s, STUB_LINE) for s in body):
            return "a stub or abstract body says nothing about what overrides return"
        return ""


def _add_returns(node: cst.CSTNode, *, returns: str) -> cst.CSTNode:
    # def f(): -> def f() -> None:
    return cst.ensure_type(node, cst.FunctionDef).with_changes(
        returns=cst.Annotation(cst.Name(returns))
    )


def _returned_type(func: cst.FunctionDef) -> str:
    """ "None" when the function never returns a value; a literal type when every return gives
    one of the same kind; "" otherwise (generators included)."""
    if list(own(func, cst.Yield)):
        return ""
    kinds = set()
    for ret in own(func, cst.Return):
        value = ret.value
        if value is None or m.matches(value, m.Name("None")):
            kinds.add("None")
            continue
        kinds.add(next((name for shape, name in LITERAL_TYPES if m.matches(value, shape)), ""))
    if not kinds:
        return "None"
    return kinds.pop() if len(kinds) == 1 and "" not in kinds else ""


def own(func: cst.FunctionDef, kind: type[NodeT]) -> Iterator[NodeT]:
    """The `kind` nodes of the function itself, not of functions, classes, lambdas inside it."""

    class Collect(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: list[NodeT] = []

        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, kind):
                self.found.append(node)
            return node is func.body or not isinstance(node, NESTED)

    collect = Collect()
    func.body.visit(collect)
    yield from collect.found
