"""Type codemods about None: implicit Optional defaults, a missing `return None`, a None guard."""

from __future__ import annotations

import re
from functools import cached_property, partial

import libcst as cst
import libcst.matchers as m

from healers.codemod import Version
from healers.finding import Finding
from healers.typecheck.common import TypeCodemod, other_message

_IMPLICIT = re.compile(
    r'Incompatible default for parameter "([^"]+)" '
    r'\(default has type "None", parameter has type "(.+)"\)'
)
_NONE_ITEM = re.compile(r'Item "None" of "(.+)" has no attribute "([^"]+)"')
OPTIONAL = m.Subscript(value=m.Name("Optional") | m.Attribute(attr=m.Name("Optional")))
UNION = m.Subscript(value=m.Name("Union") | m.Attribute(attr=m.Name("Union")))
# A receiver heal can test for None without evaluating anything twice: `x`, `self.x`.
RECEIVER = m.Name() | m.Attribute(value=m.Name())
NONE_TEST = m.Comparison(comparisons=[m.ComparisonTarget(m.Is() | m.IsNot(), m.Name("None"))])


class MakeOptionalExplicit(TypeCodemod):
    """`def f(x: int = None)` -> `int | None`, or `Optional[int]` where `|` would fail at
    runtime: the project admits Python < 3.10 (or does not say) and annotations are evaluated."""

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
        said = _IMPLICIT.fullmatch(finding.message)
        if said is None:
            return other_message(finding, "implicit Optional defaults only")
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

    def finish(self, module: cst.Module) -> cst.Module:
        if not self.pipe and self.why_not_optional is not None:
            return self.import_typing_name(module, "Optional", "typing")
        return module


def _optional(node: cst.CSTNode, *, pipe: bool) -> cst.CSTNode:
    param = cst.ensure_type(node, cst.Param)
    if param.annotation is None:  # never: chosen for its annotation
        return param
    hint = param.annotation.annotation
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
    return param.with_changes(annotation=param.annotation.with_changes(annotation=new))


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


class GuardNone(TypeCodemod):
    """`mypy:union-attr` on an Optional: `x.close()` -> `if x is not None: x.close()`, only for
    a statement that calls a method for its effect, in a function that already treats `x` being
    None as expected (it tests it); anything else is left with its location."""

    def __init__(self, module: cst.Module, target: Version | None) -> None:
        super().__init__(module, target)
        self.guarded: dict[cst.CSTNode, str] = {}  # statement -> the receiver it tests

    def fix(self, finding: Finding) -> str | None:
        said = _NONE_ITEM.fullmatch(finding.message)
        if said is None:
            return other_message(finding, "a possibly-None receiver only")
        where = f"line {finding.line}, column {finding.column}"
        shape = m.Attribute(value=RECEIVER, attr=m.Name(said.group(2)))
        attributes = self.matching(finding, shape)
        stmt = self._effect_statement(attributes[0]) if attributes else None
        if stmt is None:
            why = f"the value may be None at {where}; heal guards only a statement that calls "
            return why + "a method on it for its effect: what None means here is for a human"
        attribute = cst.ensure_type(attributes[0], cst.Attribute)
        receiver = self.code(attribute.value)
        if not self._none_is_expected(stmt, receiver):
            why = (
                f"a guard would turn the AttributeError `{receiver}` being None raises at {where} "
            )
            return why + "into a silent no-op, and nothing in the function treats None as expected"
        if self.guarded.get(stmt, receiver) != receiver:
            return f"a second possibly-None value in the statement at {where}"
        self.guarded[stmt] = receiver
        self.once(stmt, partial(_guard, receiver=attribute.value))
        return None

    def _none_is_expected(self, stmt: cst.CSTNode, receiver: str) -> bool:
        """Does the enclosing function take `receiver` as a parameter that admits None, or
        already test it for None (`is None`, `is not None`, `if x:`)? Then skipping the call
        when it is None is the code's own habit; else the guard would swallow an error path
        the code may rely on."""
        scope = self.enclosing(stmt, cst.FunctionDef) or self.module
        if isinstance(scope, cst.FunctionDef):
            params = scope.params
            for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
                hint = param.annotation.annotation if param.annotation else None
                if param.name.value == receiver and hint is not None and admits_none(hint):
                    return True  # its own signature says None is a value it is given
        for found in m.findall(scope, NONE_TEST):
            compared = cst.ensure_type(found, cst.Comparison)
            if self.code(compared.left) == receiver:
                return True
        for found in m.findall(scope, m.If() | m.While() | m.IfExp()):
            if not isinstance(found, (cst.If, cst.While, cst.IfExp)):
                continue
            test: cst.BaseExpression = found.test
            if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
                test = test.expression
            if self.code(test) == receiver:
                return True
        return False

    def _effect_statement(self, attribute: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """The statement `receiver.method(...)` on its own line, or None."""
        call = self.parents.get(attribute)
        expr = self.parents.get(call) if call is not None else None
        stmt = self.parents.get(expr) if expr is not None else None
        if (
            isinstance(call, cst.Call)
            and call.func is attribute
            and isinstance(expr, cst.Expr)
            and isinstance(stmt, cst.SimpleStatementLine)
            and len(stmt.body) == 1
        ):
            return stmt
        return None


def _guard(node: cst.CSTNode, *, receiver: cst.BaseExpression) -> cst.CSTNode:
    stmt = cst.ensure_type(node, cst.SimpleStatementLine)
    test = cst.Comparison(
        receiver.deep_clone(), [cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))]
    )
    # x.close() -> if x is not None:
    #                  x.close()
    return cst.If(
        test=test,
        body=cst.IndentedBlock([stmt.with_changes(leading_lines=())]),
        leading_lines=stmt.leading_lines,
    )
