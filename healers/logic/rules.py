"""Logic healer: heal's own libcst rules for code that cannot do what it says (one pass)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from healers.analysis import Context, RuleTable, Site
from healers.syntax import body_statements, call_name, dotted, find, is_constant, of_type

JUMPS = (cst.Return, cst.Raise, cst.Continue, cst.Break)
EXITS = frozenset({"sys.exit", "exit", "quit", "os._exit", "os.abort", "os.execv", "os.execvp"})
SIDE_EFFECTS = (cst.Call, cst.Await, cst.Yield, cst.NamedExpr)
BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
MUTABLE_CALLS = frozenset({"list", "dict", "set", "bytearray", "collections.defaultdict"})
MUTABLE_NAMES = frozenset(name.rpartition(".")[2] for name in MUTABLE_CALLS)
_SPACE = re.compile(r"\s+")


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


def _always_true(test: cst.BaseExpression) -> bool:
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
    if _always_true(loop.test) and not _exits(loop):
        yield Site(
            "while-true-without-exit",
            loop,
            "`while True` without `break`, `return`, `raise` or an exit call never ends",
        )


# --- duplicate-if-condition --------------------------------------------------------------------


def if_chain(node: cst.If) -> list[cst.If]:
    chain = [node]
    while isinstance(chain[-1].orelse, cst.If):
        chain.append(chain[-1].orelse)
    return chain


def duplicate_branches(ctx: Context, node: cst.If) -> list[tuple[cst.If, cst.If, cst.If]]:
    """(earlier branch, later branch with the same side-effect-free condition, the branch just
    before the later one) in an if/elif chain."""
    if id(node) in ctx.seen:
        return []
    chain = if_chain(node)
    ctx.seen.update(id(branch) for branch in chain[1:])
    seen: dict[str, cst.If] = {}
    dupes = []
    for before, branch in zip([node, *chain], chain, strict=False):
        if find(branch.test, *SIDE_EFFECTS):
            continue
        key = _SPACE.sub("", ctx.code(branch.test))
        if key in seen:
            dupes.append((seen[key], branch, before))
        else:
            seen[key] = branch
    return dupes


def duplicate_if_condition(ctx: Context, node: cst.If) -> Iterator[Site]:
    if not isinstance(node.orelse, cst.If):
        return
    for first, dupe, before in duplicate_branches(ctx, node):
        line = ctx.position(first.test)[0]
        yield Site(
            "duplicate-if-condition",
            dupe.test,
            f"this condition repeats the one on line {line}: the branch can never run",
            related=(before,),
        )


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


# --- constant-condition ------------------------------------------------------------------------


def constant_test(node: cst.If | cst.While | cst.IfExp) -> bool:
    test = node.test
    if isinstance(node, cst.While) and _always_true(test):
        return False  # `while True:` / `while 1:` is the idiom for a loop that exits inside
    if isinstance(test, (cst.List, cst.Tuple, cst.Dict, cst.Set)):
        starred = (cst.StarredElement, cst.StarredDictElement)
        return not any(isinstance(e, starred) for e in test.elements)
    return is_constant(test) or isinstance(test, cst.FormattedString)


def constant_condition(ctx: Context, node: cst.If | cst.While | cst.IfExp) -> Iterator[Site]:
    if constant_test(node):
        yield Site(
            "constant-condition",
            node.test,
            f"the condition `{ctx.code(node.test).strip()}` is a constant: the same branch "
            "always runs",
            related=(node,),
        )


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
