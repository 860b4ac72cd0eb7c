"""Performance rules for calls repeated per loop item: a query (database, HTTP, file) with the
loop's value, a module attribute looked up again on every turn of a nested loop."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from healers.analysis import Context, Site
from healers.rule_words import HOT, HTTP_CALLS, HTTP_VERBS, MODULE_CALL_DEPTH, QUERY_METHODS
from healers.syntax import call_name, dotted, find

ID_NAME = re.compile(r"(^|_)(id|ids|pk|pks|key|keys)$")


def _loop_targets(ctx: Context) -> dict[str, cst.CSTNode]:
    """Names bound by the enclosing loops (for targets, comprehension targets) -> their loop."""
    bound: dict[str, cst.CSTNode] = {}
    for loop in ctx.loops():
        fors = [loop] if isinstance(loop, cst.For) else find(loop, cst.CompFor, nested=False)
        for node in fors:
            target = getattr(node, "target", None)
            if target is not None:
                for name in find(target, cst.Name):
                    if isinstance(name, cst.Name):
                        bound.setdefault(name.value, loop)
    return bound


# --- query-in-loop -----------------------------------------------------------------------------


def _query_kind(ctx: Context, call: cst.Call, loop_names: dict[str, cst.CSTNode]) -> str:
    func = call.func
    if isinstance(func, cst.Attribute):
        receivers = QUERY_METHODS.get(func.attr.value)
        chain = dotted(func.value) or ""
        parts = chain.split(".") if chain else _chain_attrs(func.value)
        if receivers is not None and (
            "" in receivers or any(p in receivers or p.endswith("_session") for p in parts)
        ):
            return "a database query"
    # names first: resolving the scopes for qualified names costs more than the whole pass
    name = dotted(func) or ""
    http = name.partition(".")[0] in ctx.imported and name.rpartition(".")[2] in HTTP_VERBS
    if http and ctx.qualified_names(func) & HTTP_CALLS:
        return "an HTTP request"
    over_ids = name == "open" and any(ID_NAME.search(n) for n in loop_names)
    if over_ids and "builtins.open" in ctx.qualified_names(func):
        return "a file open"
    return ""


def _chain_attrs(node: cst.BaseExpression) -> list[str]:
    out: list[str] = []
    while isinstance(node, (cst.Attribute, cst.Call)):
        if isinstance(node, cst.Attribute):
            out.append(node.attr.value)
            node = node.value
        else:
            node = node.func
    return out


def query_in_loop(ctx: Context, call: cst.Call) -> Iterator[Site]:
    if not ctx.loops() or not call.args:
        return
    loop_names = _loop_targets(ctx)
    used = {n.value for a in call.args for n in find(a, cst.Name) if isinstance(n, cst.Name)}
    if not used & set(loop_names):
        return  # the loop variable does not reach the call: not one query per item
    kind = _query_kind(ctx, call, loop_names)
    if kind:
        yield Site(
            "query-in-loop",
            call,
            f"{kind} per loop item (N+1): fetch all the items at once before the loop",
        )


# --- dotted-lookup-in-loop ---------------------------------------------------------------------


def _for_clauses(loop: cst.CSTNode) -> int:
    """How many loops a loop node stands for: a comprehension's `for` clauses, else one."""
    clause = getattr(loop, "for_in", None) if not isinstance(loop, (cst.For, cst.While)) else None
    count = 0 if clause is not None else 1
    while clause is not None:
        count, clause = count + 1, clause.inner_for_in
    return count


def dotted_lookup_in_loop(ctx: Context, call: cst.Call) -> Iterator[Site]:
    loops = ctx.loops()
    name = call_name(call)
    depth = sum(_for_clauses(loop) for loop in loops)
    if depth < HOT or name is None or name.count(".") < MODULE_CALL_DEPTH:
        return  # only hot loops: the lookups add up in the inner loop of a nested one
    key = hash((id(loops[0]), name))
    if key in ctx.seen:
        return
    base = name.partition(".")[0]
    if base not in ctx.imported:
        return
    scope = ctx.scopes.get(call)
    if scope is None or base not in scope:
        return
    assignments = list(scope[base])
    if not assignments or not all(
        isinstance(getattr(a, "node", None), (cst.Import, cst.ImportFrom)) for a in assignments
    ):
        return  # a local object, not a module: its attributes may change in the loop
    ctx.seen.add(key)
    yield Site(
        "dotted-lookup-in-loop",
        call,
        f"`{name}` is looked up attribute by attribute on every iteration of a nested loop: "
        "bind it to a local name before the loops",
    )
