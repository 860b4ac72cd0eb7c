"""Logic rules about control flow: code that never runs, a loop that never ends, a `finally`
or an `except` that makes an error vanish."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from healers.analysis import Context, Site
from healers.rule_words import BROAD, EXITS
from healers.syntax import body_statements, call_name, dotted, find, of_type

JUMPS = (cst.Return, cst.Raise, cst.Continue, cst.Break)


# --- unreachable-code --------------------------------------------------------------------------


def unreachable(block: cst.CSTNode) -> tuple[cst.BaseStatement, list[cst.BaseStatement]] | None:
    """(the jump statement, the statements after it) in a block; None when all is reachable.
    A lone `yield` after `return` is the idiom that makes an empty generator: left alone."""
    body = body_statements(block)
    for index, stmt in enumerate(body[:-1]):
        if isinstance(stmt, cst.SimpleStatementLine) and any(
            isinstance(s, JUMPS) for s in stmt.body
        ):
            rest = list(body[index + 1 :])
            if all(_is_yield_statement(s) for s in rest):
                return None
            return stmt, rest
    return None


def _is_yield_statement(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.Yield)
    )


def unreachable_code(ctx: Context, block: cst.IndentedBlock) -> Iterator[Site]:
    found = unreachable(block)
    if found is not None:
        jump, rest = found
        line = cst.ensure_type(jump, cst.SimpleStatementLine)
        kind = next(type(s).__name__.lower() for s in line.body if isinstance(s, JUMPS))
        yield Site(
            "unreachable-code",
            rest[0],
            f"this code never runs: it follows a `{kind}`",
            related=tuple(rest),
        )


# --- while-true-without-exit -------------------------------------------------------------------


def always_true(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "True"
    return isinstance(test, cst.Integer) and test.value not in ("0", "0x0", "0o0", "0b0")


def _exits(loop: cst.While) -> bool:
    """Can the loop end: a break of its own, a return, raise, yield, await or an exit call?"""
    for node in find(
        loop.body, cst.Return, cst.Raise, cst.Yield, cst.Await, cst.Call, nested=False
    ):
        if not isinstance(node, cst.Call) or call_name(node) in EXITS:
            return True
    inner = [
        *of_type(loop.body, cst.For, nested=False),
        *of_type(loop.body, cst.While, nested=False),
    ]
    inner_breaks = {id(b) for i in inner for b in find(i.body, cst.Break, nested=False)}
    return any(id(b) not in inner_breaks for b in find(loop.body, cst.Break, nested=False))


def while_true_without_exit(ctx: Context, loop: cst.While) -> Iterator[Site]:
    if always_true(loop.test) and not _exits(loop):
        yield Site(
            "while-true-without-exit",
            loop,
            "`while True` without `break`, `return`, `raise` or an exit call never ends",
        )


# --- return-in-finally -------------------------------------------------------------------------


def return_in_finally(ctx: Context, node: cst.Try) -> Iterator[Site]:
    if node.finalbody is None:
        return
    body = node.finalbody.body
    loops = [*of_type(body, cst.For, nested=False), *of_type(body, cst.While, nested=False)]
    in_loops = {
        id(j) for loop in loops for j in find(loop.body, cst.Break, cst.Continue, nested=False)
    }
    for jump in find(body, cst.Return, cst.Break, cst.Continue, nested=False):
        if id(jump) not in in_loops:
            kind = type(jump).__name__.lower()
            yield Site(
                "return-in-finally",
                jump,
                f"`{kind}` in `finally` silently discards any exception raised in the `try`",
            )


# --- swallowed-exception -----------------------------------------------------------------------


def swallowed_exception(ctx: Context, node: cst.ExceptHandler) -> Iterator[Site]:
    types = [] if node.type is None else [node.type]
    if isinstance(node.type, cst.Tuple):
        types = [e.value for e in node.type.elements]
    broad = not types or any(dotted(t) in BROAD for t in types)
    if broad and all(_does_nothing(s) for s in body_statements(node.body)):
        caught = "everything" if node.type is None else ctx.code(node.type).strip()
        yield Site(
            "swallowed-exception",
            node,
            f"`except` catches {caught} and carries on silently: errors vanish without a trace",
        )


def _does_nothing(stmt: cst.BaseStatement) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    return all(
        isinstance(s, (cst.Pass, cst.Continue))
        or (isinstance(s, cst.Expr) and isinstance(s.value, (cst.Ellipsis, cst.SimpleString)))
        for s in stmt.body
    )
