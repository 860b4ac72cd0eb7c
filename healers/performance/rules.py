"""Performance healer: heal's own libcst rules for slow patterns, most of them in loops."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from healers.analysis import Context, RuleTable, Site
from healers.syntax import (
    body_statements,
    call_name,
    dotted,
    find,
    is_str_literal,
    names,
    of_type,
    stores,
)

RE_FUNCTIONS = frozenset(
    {"match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer", "compile"}
)
# Calls that reach a database or an ORM when given a value of the loop: method -> receivers it is
# a query on ("" = any receiver, "objects" = anywhere in a Django manager chain).
QUERY_METHODS: dict[str, tuple[str, ...]] = {
    "execute": ("",),
    "fetch": ("",),
    "fetchrow": ("",),
    "fetchval": ("",),
    "query": ("session", "db", "conn", "connection"),
    "scalar": ("session", "db", "conn", "connection"),
    "scalars": ("session", "db", "conn", "connection"),
    "get": ("objects", "session", "db"),
    "filter": ("objects",),
    "exclude": ("objects",),
    "find_one": ("collection", "db"),
}
HTTP_CALLS = frozenset(
    f"{lib}.{verb}"
    for lib in ("requests", "httpx")
    for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")
) | {"urllib.request.urlopen"}
HTTP_VERBS = frozenset(call.rpartition(".")[2] for call in HTTP_CALLS)
ID_NAME = re.compile(r"(^|_)(id|ids|pk|pks|key|keys)$")
MODULE_CALL_DEPTH = 2  # os.path.join: a module, then two attribute lookups per call
HOT = 2  # a loop inside a loop (comprehensions count) is a hot loop


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


# --- sorted-min-max ----------------------------------------------------------------------------


def sorted_pick(ctx: Context, node: cst.Subscript) -> str | None:
    """ "min" or "max" for `sorted(x)[0]` / `sorted(x)[-1]` (reverse= taken into account)."""
    call = node.value
    if not isinstance(call, cst.Call) or call_name(call) != "sorted" or len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    if not isinstance(index, cst.Index):
        return None
    first = isinstance(index.value, cst.Integer) and index.value.value == "0"
    last = (
        isinstance(index.value, cst.UnaryOperation)
        and isinstance(index.value.operator, cst.Minus)
        and isinstance(index.value.expression, cst.Integer)
        and index.value.expression.value == "1"
    )
    positional = [a for a in call.args if a.keyword is None]
    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    if not (first or last) or len(positional) != 1 or positional[0].star:
        return None
    if set(keywords) - {"key", "reverse"}:
        return None
    reverse = keywords.get("reverse")
    if reverse is not None and not (
        isinstance(reverse, cst.Name) and reverse.value in ("True", "False")
    ):
        return None
    flipped = isinstance(reverse, cst.Name) and reverse.value == "True"
    if "builtins.sorted" not in ctx.qualified_names(call.func):
        return None
    return "max" if last != flipped else "min"


def sorted_min_max(ctx: Context, node: cst.Subscript) -> Iterator[Site]:
    pick = sorted_pick(ctx, node)
    if pick is not None:
        yield Site(
            "sorted-min-max",
            node,
            f"sorting the whole sequence to take one end of it: `{pick}()` finds it in one pass",
        )


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


RULES: RuleTable = {
    "string-concat-in-loop": (cst.IndentedBlock, string_concat_in_loop),
    "range-len-indexing": (cst.For, range_len_indexing),
    "membership-in-list-literal": (cst.Comparison, membership_in_list_literal),
    "regex-compiled-in-loop": (cst.Call, regex_compiled_in_loop),
    "sorted-min-max": (cst.Subscript, sorted_min_max),
    "query-in-loop": (cst.Call, query_in_loop),
    "dotted-lookup-in-loop": (cst.Call, dotted_lookup_in_loop),
    "list-pop-front-in-loop": (cst.Call, list_pop_front_in_loop),
}
