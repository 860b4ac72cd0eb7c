"""Logic healer: heal's own libcst rules for code that cannot do what it says (one pass); the
rules about control flow are in flow.py, those about conditions in branches.py."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from healers.analysis import Context, RuleTable, Site
from healers.logic.branches import constant_condition, duplicate_if_condition
from healers.logic.flow import (
    return_in_finally,
    swallowed_exception,
    unreachable_code,
    while_true_without_exit,
)
from healers.rule_words import MUTABLE_CALLS, MUTABLE_NAMES
from healers.syntax import dotted

# --- self-comparison ---------------------------------------------------------------------------


def self_comparison(ctx: Context, node: cst.Comparison) -> Iterator[Site]:
    if len(node.comparisons) != 1:
        return
    left, right = dotted(node.left), dotted(node.comparisons[0].comparator)
    if left is not None and left == right:
        op = ctx.code(node.comparisons[0].operator).strip()
        yield Site(
            "self-comparison",
            node,
            f"`{left}` is compared with itself (`{op}`): the result never depends on its value"
            " (use `math.isnan` to test for NaN)",
        )


# --- self-assignment ---------------------------------------------------------------------------


def self_assignment(ctx: Context, node: cst.Assign) -> Iterator[Site]:
    if len(node.targets) != 1 or ctx.in_class_body():
        return  # in a class body `x = x` copies an outer name into the class namespace
    target = node.targets[0].target
    pairs = _pairs(target, node.value)
    if pairs and all(isinstance(t, cst.Name) and dotted(t) == dotted(v) for t, v in pairs):
        yield Site(
            "self-assignment", target, "assigning a name to itself does nothing", related=(node,)
        )


def _pairs(
    target: cst.BaseExpression, value: cst.BaseExpression
) -> list[tuple[cst.BaseExpression, cst.BaseExpression]]:
    if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
        if len(target.elements) != len(value.elements):
            return []
        return [(t.value, v.value) for t, v in zip(target.elements, value.elements, strict=True)]
    return [(target, value)]


# --- assert-on-tuple ---------------------------------------------------------------------------


def assert_on_tuple(ctx: Context, node: cst.Assert) -> Iterator[Site]:
    if isinstance(node.test, cst.Tuple) and node.test.elements and node.msg is None:
        yield Site(
            "assert-on-tuple",
            node,
            "`assert (condition, message)` asserts a non-empty tuple, which is always true",
        )


# --- mutable-default-argument ------------------------------------------------------------------


def mutable_defaults(ctx: Context, node: cst.FunctionDef) -> list[cst.Param]:
    params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
    return [p for p in params if p.default is not None and _mutable(ctx, p.default)]


def _mutable(ctx: Context, value: cst.BaseExpression) -> bool:
    if isinstance(value, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
        return True
    if not isinstance(value, cst.Call):
        return False
    name = dotted(value.func)
    if name is None or name.rpartition(".")[2] not in MUTABLE_NAMES:
        return False  # checked first: resolving the scopes costs more than the whole pass
    called = ctx.qualified_names(value.func)
    return bool({q.removeprefix("builtins.") for q in called} & MUTABLE_CALLS)


def mutable_default_argument(ctx: Context, node: cst.FunctionDef) -> Iterator[Site]:
    for param in mutable_defaults(ctx, node):
        if param.default is not None:
            yield Site(
                "mutable-default-argument",
                param.default,
                f"the default of `{param.name.value}` is created once and shared by every call: "
                "default to None and create it in the body",
                related=(node, param),
            )


RULES: RuleTable = {
    "unreachable-code": (cst.IndentedBlock, unreachable_code),
    "while-true-without-exit": (cst.While, while_true_without_exit),
    "duplicate-if-condition": (cst.If, duplicate_if_condition),
    "self-comparison": (cst.Comparison, self_comparison),
    "self-assignment": (cst.Assign, self_assignment),
    "constant-condition:if": (cst.If, constant_condition),
    "constant-condition:while": (cst.While, constant_condition),
    "constant-condition:ifexp": (cst.IfExp, constant_condition),
    "assert-on-tuple": (cst.Assert, assert_on_tuple),
    "mutable-default-argument": (cst.FunctionDef, mutable_default_argument),
    "return-in-finally": (cst.Try, return_in_finally),
    "swallowed-exception": (cst.ExceptHandler, swallowed_exception),
}
