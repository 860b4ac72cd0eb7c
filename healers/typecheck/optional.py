"""Type codemods about None: implicit Optional defaults, a missing `return None`, a None guard."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

import libcst as cst
import libcst.matchers as m

from healers.finding import Finding, Transformed
from healers.typecheck.common import (
    Parsed,
    Rewrite,
    Targets,
    Version,
    cannot_parse,
    import_name,
    needs_import,
    other_message,
    result,
)

_IMPLICIT = re.compile(
    r'Incompatible default for parameter "([^"]+)" '
    r'\(default has type "None", parameter has type "(.+)"\)'
)
_NONE_ITEM = re.compile(r'Item "None" of "(.+)" has no attribute "([^"]+)"')
OPTIONAL = m.Subscript(value=m.Name("Optional") | m.Attribute(attr=m.Name("Optional")))
UNION = m.Subscript(value=m.Name("Union") | m.Attribute(attr=m.Name("Union")))
# A receiver heal can test for None without evaluating anything twice: `x`, `self.x`.
RECEIVER = m.Name() | m.Attribute(value=m.Name())


# --- make_optional_explicit ----------------------------------------------------------------------


def make_optional_explicit(
    source: str, findings: Sequence[Finding], target: Version | None = None
) -> Transformed:
    """`def f(x: int = None)` -> `int | None`, or `Optional[int]` where `|` would fail at
    runtime: the project admits Python < 3.10 (or does not say) and annotations are evaluated."""
    parsed = Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    pipe = parsed.lazy_annotations or (target is not None and target >= (3, 10))
    why_not_optional = "" if pipe else needs_import(parsed, "Optional", "typing")
    targets: Targets = {}
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    for index, finding in enumerate(findings):
        said = _IMPLICIT.fullmatch(finding.message)
        if said is None:
            unfixed.append((index, other_message(finding, "implicit Optional defaults only")))
            continue
        params = [
            p
            for p in (parsed.parents.get(n) for n in parsed.at(finding, m.Name("None")))
            if isinstance(p, cst.Param) and p.name.value == said.group(1) and p.annotation
        ]
        if not params:
            unfixed.append((index, f"no parameter `{said.group(1)}` with a None default here"))
        elif why_not_optional:
            unfixed.append((index, why_not_optional))
        else:
            targets[params[0]] = partial(_optional, pipe=pipe)
            fixed.append(index)
    if not targets:
        return result(source, parsed.module, fixed, unfixed)
    module = cst.ensure_type(parsed.module.visit(Rewrite(targets)), cst.Module)
    if not pipe and why_not_optional is not None:
        module = import_name(module, "Optional", "typing")
    return result(source, module, fixed, unfixed)


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


# --- add_return_none -----------------------------------------------------------------------------


def add_return_none(
    source: str, findings: Sequence[Finding], target: Version | None = None
) -> Transformed:
    """`mypy:return` "Missing return statement" where the declared type admits None: write the
    `return None` the function already does implicitly at its end."""
    parsed = Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    targets: Targets = {}
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    for index, finding in enumerate(findings):
        if finding.message != "Missing return statement":
            unfixed.append((index, other_message(finding, "a missing return statement only")))
            continue
        funcs = parsed.functions_at(finding.line)
        func = funcs[0] if len(funcs) == 1 else None
        returns = func.returns.annotation if func and func.returns else None
        if func is None or returns is None:
            unfixed.append((index, f"no annotated function defined on line {finding.line}"))
        elif not admits_none(returns):
            hint = parsed.module.code_for_node(returns)
            why = f"the declared return type `{hint}` does not admit None: a path ends without "
            unfixed.append((index, why + "returning a value; which value is for a human"))
        elif not isinstance(func.body, cst.IndentedBlock):
            unfixed.append((index, "a one-line function body"))
        else:
            targets[func] = _return_none
            fixed.append(index)
    module = cst.ensure_type(parsed.module.visit(Rewrite(targets)), cst.Module)
    return result(source, module, fixed, unfixed)


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


# --- guard_none ----------------------------------------------------------------------------------


def guard_none(
    source: str, findings: Sequence[Finding], target: Version | None = None
) -> Transformed:
    """`mypy:union-attr` on an Optional: `x.close()` -> `if x is not None: x.close()`, only for
    a statement that calls a method for its effect; anything else is left with its location."""
    parsed = Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    targets: Targets = {}
    guarded: dict[cst.CSTNode, str] = {}  # statement -> the receiver it tests
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    for index, finding in enumerate(findings):
        said = _NONE_ITEM.fullmatch(finding.message)
        if said is None:
            unfixed.append((index, other_message(finding, "a possibly-None receiver only")))
            continue
        where = f"line {finding.line}, column {finding.column}"
        attributes = parsed.at(finding, m.Attribute(value=RECEIVER, attr=m.Name(said.group(2))))
        stmt = _effect_statement(parsed, attributes[0]) if attributes else None
        if stmt is None:
            why = f"the value may be None at {where}; heal guards only a statement that calls "
            unfixed.append(
                (index, why + "a method on it for its effect: what None means here is for a human")
            )
            continue
        attribute = cst.ensure_type(attributes[0], cst.Attribute)
        receiver = parsed.module.code_for_node(attribute.value)
        if guarded.get(stmt, receiver) != receiver:
            unfixed.append((index, f"a second possibly-None value in the statement at {where}"))
            continue
        guarded[stmt] = receiver
        targets[stmt] = partial(_guard, receiver=attribute.value)
        fixed.append(index)
    module = cst.ensure_type(parsed.module.visit(Rewrite(targets)), cst.Module)
    return result(source, module, fixed, unfixed)


def _effect_statement(parsed: Parsed, attribute: cst.CSTNode) -> cst.SimpleStatementLine | None:
    """The statement `receiver.method(...)` on its own line, or None."""
    call = parsed.parents.get(attribute)
    expr = parsed.parents.get(call) if call is not None else None
    stmt = parsed.parents.get(expr) if expr is not None else None
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
