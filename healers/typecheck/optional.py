"""Type codemods about None: implicit Optional defaults and annotated `= None`, a missing
`return None`."""

from __future__ import annotations

import re
from functools import cached_property, partial

import libcst as cst
import libcst.matchers as m

from healers.finding import Finding
from healers.typecheck.common import TypeCodemod, other_message

_IMPLICIT = re.compile(
    r'Incompatible default for parameter "([^"]+)" '
    r'\(default has type "None", parameter has type "(.+)"\)'
)
_NONE_ASSIGNED = re.compile(
    r'Incompatible types in assignment \(expression has type "None", variable has type "(.+)"\)'
)
# Wrappers whose meaning `X | None` around them would change (ClassVar, InitVar: dataclasses).
_QUALIFIERS = frozenset({"ClassVar", "Final", "InitVar", "Annotated", "Required", "NotRequired"})
OPTIONAL = m.Subscript(value=m.Name("Optional") | m.Attribute(attr=m.Name("Optional")))
UNION = m.Subscript(value=m.Name("Union") | m.Attribute(attr=m.Name("Union")))


class MakeOptionalExplicit(TypeCodemod):
    """`def f(x: int = None)` -> `int | None`, or `Optional[int]` where `|` would fail at
    runtime: the project admits Python < 3.10 (or does not say) and annotations are evaluated.
    The same for a variable annotated and assigned None in one statement (`x: int = None`)
    outside a class body, where nothing reads the annotation at runtime to build the class."""

    @cached_property
    def pipe(self) -> bool:
        return self.lazy_annotations or (self.target is not None and self.target >= (3, 10))

    @cached_property
    def why_not_optional(self) -> str | None:
        if self.pipe:
            return ""
        why = self.needs_import("Optional", "typing")
        return self.why_not_import(evaluated=True) if why == "" else why

    def fix(self, finding: Finding) -> str | None:
        if _NONE_ASSIGNED.fullmatch(finding.message):
            return self._variable(finding)
        said = _IMPLICIT.fullmatch(finding.message)
        if said is None:
            return other_message(finding, "implicit Optional defaults and `x: T = None` only")
        params = [
            p
            for p in (self.parents.get(n) for n in self.matching(finding, m.Name("None")))
            if isinstance(p, cst.Param) and p.name.value == said.group(1) and p.annotation
        ]
        if not params:
            return f"no parameter `{said.group(1)}` with a None default here"
        if self.why_not_optional:
            return self.why_not_optional
        self.once(params[0], partial(_optional, pipe=self.pipe))
        return None

    def _variable(self, finding: Finding) -> str | None:
        nones = self.matching(finding, m.Name("None"))
        found = [
            s for n in nones if isinstance(s := self.parents.get(n), cst.AnnAssign) and s.value is n
        ]
        if not found:
            return "None is assigned here without an annotation in the same statement"
        stmt = cst.ensure_type(found[0], cst.AnnAssign)
        name = _head(stmt.annotation.annotation)
        if name in _QUALIFIERS:
            return f"`{name}[...]` would change meaning with `| None` around it"
        if isinstance(self.enclosing(stmt, (cst.ClassDef, cst.FunctionDef)), cst.ClassDef):
            return "a class attribute: dataclasses, attrs and pydantic read its annotation"
        if self.why_not_optional:
            return self.why_not_optional
        self.once(stmt, partial(_optional_variable, pipe=self.pipe))
        return None

    def finish(self, module: cst.Module) -> cst.Module:
        if not self.pipe and self.why_not_optional is not None:
            return self.import_typing_name(module, "Optional", "typing")
        return module


def _optional(node: cst.CSTNode, *, pipe: bool) -> cst.CSTNode:
    param = cst.ensure_type(node, cst.Param)
    if param.annotation is None:  # never: chosen for its annotation
        return param
    new = _or_none(param.annotation.annotation, pipe=pipe)
    return param.with_changes(annotation=param.annotation.with_changes(annotation=new))


def _head(hint: cst.BaseExpression) -> str:
    """`ClassVar` for `ClassVar[int]` or `typing.ClassVar[int]`; "" for anything else."""
    head = hint.value if isinstance(hint, cst.Subscript) else hint
    if isinstance(head, cst.Attribute):
        return head.attr.value
    return head.value if isinstance(head, cst.Name) else ""


def _optional_variable(node: cst.CSTNode, *, pipe: bool) -> cst.CSTNode:
    # x: int = None -> x: int | None = None
    stmt = cst.ensure_type(node, cst.AnnAssign)
    new = _or_none(stmt.annotation.annotation, pipe=pipe)
    return stmt.with_changes(annotation=stmt.annotation.with_changes(annotation=new))


def _or_none(hint: cst.BaseExpression, *, pipe: bool) -> cst.BaseExpression:
    if isinstance(hint, cst.SimpleString) and hint.prefix == "" and "\\" not in hint.value:
        if pipe:
            # x: "Model" = None -> x: "Model | None" = None
            quote = hint.quote
            new: cst.BaseExpression = cst.SimpleString(f"{quote}{hint.raw_value} | None{quote}")
        else:
            # x: "Model" = None -> x: Optional["Model"] = None
            new = _subscript("Optional", hint)
    elif pipe:
        # x: int = None -> x: int | None = None
        new = cst.BinaryOperation(hint, cst.BitOr(), cst.Name("None"))
    else:
        # x: int = None -> x: Optional[int] = None
        new = _subscript("Optional", hint)
    return new


def _subscript(name: str, inner: cst.BaseExpression) -> cst.Subscript:
    return cst.Subscript(cst.Name(name), [cst.SubscriptElement(cst.Index(inner))])


class AddReturnNone(TypeCodemod):
    """`mypy:return` "Missing return statement" where the declared type admits None: write the
    `return None` the function already does implicitly at its end."""

    def fix(self, finding: Finding) -> str | None:
        if finding.message != "Missing return statement":
            return other_message(finding, "a missing return statement only")
        funcs = self.functions_at(finding.line)
        func = funcs[0] if len(funcs) == 1 else None
        returns = func.returns.annotation if func and func.returns else None
        if func is None or returns is None:
            return f"no annotated function defined on line {finding.line}"
        if not admits_none(returns):
            why = f"the declared return type `{self.code(returns)}` does not admit None: a path "
            return why + "ends without returning a value; which value is for a human"
        if not isinstance(func.body, cst.IndentedBlock):
            return "a one-line function body"
        self.once(func, _return_none)
        return None


def admits_none(hint: cst.BaseExpression) -> bool:
    """Does the annotation say None is a value the function may return?"""
    if isinstance(hint, cst.SimpleString) and hint.prefix == "":
        try:
            hint = cst.parse_expression(hint.raw_value)
        except cst.ParserSyntaxError:
            return False
    if m.matches(hint, m.Name("None") | OPTIONAL):
        return True
    if isinstance(hint, cst.BinaryOperation) and isinstance(hint.operator, cst.BitOr):
        return admits_none(hint.left) or admits_none(hint.right)
    if m.matches(hint, UNION):
        elements = cst.ensure_type(hint, cst.Subscript).slice
        return any(isinstance(e.slice, cst.Index) and admits_none(e.slice.value) for e in elements)
    return False


def _return_none(node: cst.CSTNode) -> cst.CSTNode:
    func = cst.ensure_type(node, cst.FunctionDef)
    block = cst.ensure_type(func.body, cst.IndentedBlock)
    # def f() -> int | None:      def f() -> int | None:
    #     if x: return 1      ->      if x: return 1
    #                                 return None
    stmt = cst.SimpleStatementLine([cst.Return(cst.Name("None"))])
    return func.with_changes(body=block.with_changes(body=[*block.body, stmt]))
