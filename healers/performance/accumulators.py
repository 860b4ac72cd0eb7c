"""Performance rule for strings built in a loop: the accumulators of a block, found."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from healers.analysis import Context, Site
from healers.syntax import body_statements, find, is_str_literal, names, stores

# --- string-concat-in-loop ---------------------------------------------------------------------


def accumulators(
    block: cst.CSTNode, ctx: Context
) -> Iterator[tuple[str, cst.For | cst.While, cst.CSTNode]]:
    """(name, loop statement, first `+=` statement) for each string accumulator of a block:
    `s = "<literal>"` before a loop whose body only appends to `s`."""
    body = body_statements(block)
    func = ctx.function()
    if func is None:
        return
    for index, stmt in enumerate(body):
        if not isinstance(stmt, (cst.For, cst.While)):
            continue
        for name in _string_names_before(body[:index]):
            first = _only_appended(stmt, name, func)
            if first is not None:
                yield name, stmt, first


def _string_names_before(before: tuple[cst.BaseStatement, ...]) -> list[str]:
    """Names whose last assignment before the loop is `name = "<string literal>"` as a statement
    of this block; an assignment anywhere else (a branch, a `for` target) makes it unknown."""
    latest: dict[str, bool] = {}  # name -> last assigned a string literal
    for stmt in before:
        written = stores(stmt)
        for name in find(stmt, cst.Name, nested=False):
            if id(name) in written and isinstance(name, cst.Name):
                latest[name.value] = False
        line = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()
        for small in line:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target = small.targets[0].target
                if isinstance(target, cst.Name):
                    latest[target.value] = is_str_literal(small.value)
    return [name for name, is_str in latest.items() if is_str]


def _only_appended(
    loop: cst.For | cst.While, name: str, func: cst.FunctionDef
) -> cst.CSTNode | None:
    """The first statement appending to `name` when every use of it in the loop is an append
    (`name += x` or `name = name + x`) and no nested function of `func` sees it."""
    appends: list[cst.CSTNode] = []
    allowed: set[int] = set()
    for node in find(loop.body, cst.AugAssign, cst.Assign, nested=False):
        if isinstance(node, cst.AugAssign) and isinstance(node.operator, cst.AddAssign):
            if isinstance(node.target, cst.Name) and node.target.value == name:
                appends.append(node)
                allowed.add(id(node.target))
        elif isinstance(node, cst.Assign) and len(node.targets) == 1:
            target, value = node.targets[0].target, node.value
            first = leftmost_sum_operand(value)
            named = isinstance(target, cst.Name) and target.value == name
            if named and isinstance(first, cst.Name) and first.value == name:
                appends.append(node)
                allowed.update((id(target), id(first)))
    if not appends:
        return None
    if any(id(n) not in allowed for n in names(loop, name, nested=False)):
        return None  # read or reassigned in the loop (its test and `else:` included)
    nested = find(func.body, cst.FunctionDef, cst.Lambda, cst.ClassDef)
    if any(names(n, name) for n in nested):
        return None  # a closure sees the accumulator
    if any(names(g, name) for g in find(func, cst.Global, cst.Nonlocal)):
        return None
    return appends[0]


def leftmost_sum_operand(value: cst.BaseExpression) -> cst.BaseExpression | None:
    """`a` for `a + b + c` (parsed `(a + b) + c`); None when `value` is not a sum."""
    if not (isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add)):
        return None
    while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        value = value.left
    return value


def without_leftmost(value: cst.BaseExpression) -> cst.BaseExpression:
    """`b + c` for `a + b + c`: the parts a sum adds to its first operand."""
    if not isinstance(value, cst.BinaryOperation):
        return value
    if not isinstance(value.left, cst.BinaryOperation):
        return value.right
    return value.with_changes(left=without_leftmost(value.left))


def string_concat_in_loop(ctx: Context, block: cst.IndentedBlock) -> Iterator[Site]:
    for name, loop, first in accumulators(block, ctx):
        yield Site(
            "string-concat-in-loop",
            first,
            f"`{name}` grows by string concatenation in a loop, copying the whole string each "
            'time: collect the parts in a list and `"".join` them after the loop',
            related=(loop,),
            detail=name,
        )
