"""Performance rules for work a loop repeats: indexing through range(len(...)), a membership
test against a list literal, a regex looked up by pattern, `pop(0)` on a list."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from healers.analysis import Context, Site
from healers.rule_words import RE_FUNCTIONS
from healers.syntax import call_name, find, names, of_type, stores

# --- range-len-indexing ------------------------------------------------------------------------


def range_len(loop: cst.For) -> tuple[str, str] | None:
    """(index, sequence) for `for i in range(len(xs)):`, else None."""
    it = loop.iter
    if not (isinstance(loop.target, cst.Name) and call_name(it) == "range"):
        return None
    if not isinstance(it, cst.Call) or len(it.args) != 1 or it.args[0].keyword or it.args[0].star:
        return None
    inner = it.args[0].value
    if call_name(inner) != "len" or not isinstance(inner, cst.Call) or len(inner.args) != 1:
        return None
    seq = inner.args[0].value
    if not isinstance(seq, cst.Name) or inner.args[0].star:
        return None
    return loop.target.value, seq.value


def indexed_reads(loop: cst.For, index: str, seq: str) -> list[cst.Subscript] | None:
    """Every `seq[index]` of the loop body when the body only reads them: no other use of
    `seq`, no write to `seq[index]` or `index`; else None."""
    written = stores(loop.body)
    reads: list[cst.Subscript] = []
    for sub in find(loop.body, cst.Subscript):
        if (
            isinstance(sub, cst.Subscript)
            and isinstance(sub.value, cst.Name)
            and sub.value.value == seq
            and len(sub.slice) == 1
            and isinstance(sub.slice[0].slice, cst.Index)
            and isinstance(sub.slice[0].slice.value, cst.Name)
            and sub.slice[0].slice.value.value == index
        ):
            if id(sub) in written:
                return None
            reads.append(sub)
    if not reads or len(names(loop.body, seq)) != len(reads):
        return None
    if any(id(n) in written for n in names(loop.body, index)):
        return None
    return reads


def range_len_indexing(ctx: Context, loop: cst.For) -> Iterator[Site]:
    found = range_len(loop)
    if found is None or indexed_reads(loop, *found) is None:
        return
    index, seq = found
    func = ctx.function()
    yield Site(
        "range-len-indexing",
        loop,
        f"`for {index} in range(len({seq}))` only reads `{seq}[{index}]`: iterate over `{seq}` "
        "directly (or with `enumerate`)",
        related=(func,) if func is not None else (),
    )


# --- membership-in-list-literal ----------------------------------------------------------------


def membership_in_list_literal(ctx: Context, node: cst.Comparison) -> Iterator[Site]:
    if not ctx.loops():
        return
    for target in node.comparisons:
        if isinstance(target.operator, (cst.In, cst.NotIn)) and isinstance(
            target.comparator, cst.List
        ):
            yield Site(
                "membership-in-list-literal",
                target.comparator,
                "membership test against a list literal inside a loop: a set literal (or a "
                "tuple) is built once and searched faster",
            )


# --- regex-compiled-in-loop --------------------------------------------------------------------


def regex_call(ctx: Context, call: cst.Call) -> str | None:
    """ "re.<function>" when `call` is a module-level `re` function on a constant pattern."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in RE_FUNCTIONS):
        return None
    if not call.args or call.args[0].keyword or not _plain_string(call.args[0].value):
        return None
    if not (isinstance(func.value, cst.Name) and func.value.value in ctx.imported):
        return None
    wanted = f"re.{func.attr.value}"
    return wanted if wanted in ctx.qualified_names(func) else None


def _plain_string(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.ConcatenatedString):
        return _plain_string(node.left) and _plain_string(node.right)
    return isinstance(node, cst.SimpleString)


def regex_compiled_in_loop(ctx: Context, call: cst.Call) -> Iterator[Site]:
    if not ctx.loops() or not isinstance(call.func, cst.Attribute):
        return
    name = regex_call(ctx, call)
    if name is not None:
        func = ctx.function()
        yield Site(
            "regex-compiled-in-loop",
            call,
            f"`{name}` with a constant pattern inside a loop looks the pattern up (or compiles "
            "it) on every iteration: compile it once at module level",
            detail=func.name.value if func is not None else "",
        )


# --- list-pop-front-in-loop --------------------------------------------------------------------


def list_pop_front_in_loop(ctx: Context, call: cst.Call) -> Iterator[Site]:
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
        return
    method, args = func.attr.value, call.args
    front = (
        args
        and isinstance(args[0].value, cst.Integer)
        and args[0].value.value == "0"
        and not args[0].keyword
        and ((method == "pop" and len(args) == 1) or (method == "insert" and len(args) == 2))
    )
    if not front or not ctx.loops():
        return
    func_def = ctx.function()
    if func_def is None or not is_list_local(func_def, func.value.value):
        return
    yield Site(
        "list-pop-front-in-loop",
        call,
        f"`{func.value.value}.{method}(0{', ...' if method == 'insert' else ''})` moves every "
        "other element each time: use a `collections.deque` (`popleft` / `appendleft`)",
        related=(func_def,),
        detail=func.value.value,
    )


def is_list_local(func: cst.FunctionDef, name: str) -> bool:
    """Is `name` assigned a list literal or `list(...)` in this function?"""
    for assign in of_type(func.body, cst.Assign, nested=False):
        for target in assign.targets:
            named = isinstance(target.target, cst.Name) and target.target.value == name
            if named and (isinstance(assign.value, cst.List) or call_name(assign.value) == "list"):
                return True
    return False
