"""Performance codemods: the fixes of heal's own performance rules (healers/performance.py)."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from functools import partial

import libcst as cst

from healers.codemod import Codemods, legacy
from healers.finding import Finding, Transformed
from healers.imports import order
from healers.performance import accumulators, loops
from healers.performance import rules as perf
from healers.sites import Located, Rewrite, changes, fresh_name, locate, module_names, to
from healers.sites import with_trailing_comma_fixed as trim
from healers.syntax import find, names

HASHABLE = (cst.SimpleString, cst.Integer, cst.Float)
# where each `re` function takes `flags` positionally (the pattern is argument 0)
FLAGS_AT = {"compile": 1, "split": 3, "sub": 4, "subn": 4}
FLAGS_DEFAULT_AT = 2


# --- membership-in-list-literal ----------------------------------------------------------------


def use_set_literal(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`x in [a, b]` -> `x in {a, b}` (constants) or `x in (a, b)` (anything else)."""
    found = locate(source, "membership-in-list-literal", perf.RULES, findings)
    if isinstance(found, Transformed):
        return found
    for index, site in found.pairs:
        found.edits[site.node] = _set_or_tuple
        found.fixed.append(index)
    return found.result(source)


def _set_or_tuple(node: cst.CSTNode) -> cst.CSTNode:
    listed = cst.ensure_type(node, cst.List)
    elements = list(listed.elements)
    if elements and all(isinstance(e.value, HASHABLE) for e in elements):
        # x in ["a", "b"] -> x in {"a", "b"}
        return cst.Set(
            elements,
            lbrace=cst.LeftCurlyBrace(listed.lbracket.whitespace_after),
            rbrace=cst.RightCurlyBrace(listed.rbracket.whitespace_before),
            lpar=listed.lpar,
            rpar=listed.rpar,
        )
    if len(elements) == 1 and elements[0].comma is cst.MaybeSentinel.DEFAULT:
        elements[0] = elements[0].with_changes(comma=cst.Comma())
    # x in [a, b] -> x in (a, b)
    lpar = [cst.LeftParen(listed.lbracket.whitespace_after)]
    return cst.Tuple(elements, lpar=lpar, rpar=[cst.RightParen(listed.rbracket.whitespace_before)])


# --- sorted-min-max ----------------------------------------------------------------------------


def use_min_max(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`sorted(x)[0]` -> `min(x)`, `sorted(x)[-1]` -> `max(x)` (reverse=True swaps them)."""
    found = locate(source, "sorted-min-max", perf.RULES, findings)
    if isinstance(found, Transformed):
        return found
    for index, site in found.pairs:
        pick = perf.sorted_pick(found.ctx, cst.ensure_type(site.node, cst.Subscript))
        if pick is None:
            continue
        found.edits[site.node] = partial(_min_max, pick=pick)
        found.fixed.append(index)
    return found.result(source)


def _min_max(node: cst.CSTNode, pick: str) -> cst.CSTNode:
    # sorted(x, key=k)[0] -> min(x, key=k)
    call = cst.ensure_type(cst.ensure_type(node, cst.Subscript).value, cst.Call)
    args = [a for a in call.args if not (a.keyword and a.keyword.value == "reverse")]
    return call.with_changes(func=cst.Name(pick), args=trim(args))


# --- regex-compiled-in-loop --------------------------------------------------------------------


def compile_regex_once(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`re.match(r"...", s)` in a loop -> `_F_PATTERN.match(s)`, compiled once at module level."""
    found = locate(source, "regex-compiled-in-loop", perf.RULES, findings)
    if isinstance(found, Transformed):
        return found
    module = found.ctx.module
    taken = module_names(module)
    constants: dict[str, str] = {}  # compile(...) source -> constant name
    insert_at = _regex_insertion(module)
    for index, site in found.pairs:
        call = cst.ensure_type(site.node, cst.Call)
        func = cst.ensure_type(call.func, cst.Attribute)
        why = _why_not_hoisted(found, call, insert_at)
        if why:
            found.skip(index, why)
            continue
        pattern, flags, _ = _split_args(call, func.attr.value)
        module_ref = found.ctx.code(func.value).strip()
        compiled = f"{module_ref}.compile({', '.join(a for a in (pattern, flags) if a)})"
        if compiled not in constants:
            constants[compiled] = fresh_name(_constant_name(site.detail), taken)
        name = cst.Name(constants[compiled])
        if func.attr.value == "compile":
            # re.compile(r"...") -> _NAME_PATTERN
            found.edits[call] = to(name)
        else:
            # re.match(r"...", s) -> _NAME_PATTERN.match(s)
            method = cst.Attribute(name, func.attr)
            found.edits[call] = partial(_method_call, method=method)
        found.fixed.append(index)
    if not found.fixed:
        return found.result(source)
    after = found.module_after_edits()
    body = list(after.body)
    new = [order.statement(f"{name} = {code}") for code, name in constants.items()]
    new[0] = new[0].with_changes(leading_lines=[order.BLANK])
    body[insert_at:insert_at] = new
    return Transformed(after.with_changes(body=body).code, tuple(found.fixed), tuple(found.unfixed))


def _method_call(node: cst.CSTNode, method: cst.Attribute) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    _, _, rest = _split_args(call, method.attr.value)
    return call.with_changes(func=method, args=trim(rest))


def _regex_insertion(module: cst.Module) -> int:
    """Module-level statements are inserted after the imports at the top of the module."""
    return order.run_bounds(list(module.body), 0)[1]


def _why_not_hoisted(found: Located, call: cst.Call, insert_at: int) -> str:
    func = cst.ensure_type(call.func, cst.Attribute)
    if not isinstance(func.value, cst.Name):
        return "the `re` module is not referred to by a plain name"
    top = list(found.ctx.module.body)
    imported = [
        i for i, s in enumerate(top[:insert_at]) if func.value.value in order.bound_names(s)
    ]
    if not imported:
        return f"`{func.value.value}` is not imported at the top of the module"
    line = found.ctx.position(call)[0]
    starts = [found.ctx.position(s)[0] for s in top]
    if insert_at < len(top) and line < starts[insert_at]:
        return "the pattern is used before the end of the module's imports"
    pattern, flags, _ = _split_args(call, func.attr.value)
    try:
        value = ast.literal_eval(pattern)
        flag_value = _flags(flags)
        re.compile(value, flag_value)
    except (ValueError, SyntaxError, re.error, TypeError) as exc:
        return f"the pattern or its flags cannot be compiled ahead of time: {exc}"
    return ""


def _flags(code: str) -> int:
    """The value of `re.I | re.M` style flags, named through any alias of the re module."""
    value = 0
    for part in filter(None, (p.strip() for p in code.split("|"))):
        attr = part.rpartition(".")[2]
        if not attr.isupper() or not isinstance(getattr(re, attr, None), int):
            raise ValueError(f"flags {code!r} are not constant re flags")
        value |= getattr(re, attr)
    return value


def _split_args(call: cst.Call, function: str) -> tuple[str, str, list[cst.Arg]]:
    """(pattern source, flags source or "", the other arguments) of an `re` call."""
    code = cst.Module([]).code_for_node
    at = FLAGS_AT.get(function, FLAGS_DEFAULT_AT)
    pattern, flags, rest = code(call.args[0].value), "", []
    for i, arg in enumerate(call.args[1:], start=1):
        is_flags = (arg.keyword and arg.keyword.value == "flags") or (not arg.keyword and i == at)
        if is_flags:
            flags = code(arg.value)
        else:
            rest.append(arg)
    return pattern, flags, rest


def _constant_name(function: str) -> str:
    return f"_{function.strip('_').upper()}_PATTERN" if function.strip("_") else "_PATTERN"


# --- range-len-indexing ------------------------------------------------------------------------


def iterate_directly(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`for i in range(len(xs)): f(xs[i])` -> `for x in xs: f(x)` (or enumerate when i is used)."""
    found = locate(source, "range-len-indexing", perf.RULES, findings)
    if isinstance(found, Transformed):
        return found
    taken = module_names(found.ctx.module)
    for index, site in found.pairs:
        loop = cst.ensure_type(site.node, cst.For)
        shape = loops.range_len(loop)
        reads = loops.indexed_reads(loop, *shape) if shape else None
        if shape is None or reads is None:
            continue
        i, seq = shape
        element = cst.Name(fresh_name(_singular(seq), taken))
        scope = site.related[0] if site.related else found.ctx.module
        other_uses = len(names(scope, i)) - len(reads) - 1  # the target is one use
        for read in reads:
            found.edits[read] = to(element)
        if other_uses:
            # for i in range(len(xs)): -> for i, x in enumerate(xs):
            loop_target: cst.BaseAssignTargetExpression = cst.Tuple(
                [cst.Element(cst.Name(i)), cst.Element(element)], lpar=[], rpar=[]
            )
            iterable: cst.BaseExpression = cst.Call(cst.Name("enumerate"), [cst.Arg(cst.Name(seq))])
        else:
            # for i in range(len(xs)): -> for x in xs:
            loop_target, iterable = element, cst.Name(seq)
        found.edits[loop] = changes(target=loop_target, iter=iterable)
        found.fixed.append(index)
    return found.result(source)


def _singular(seq: str) -> str:
    if len(seq) > 3 and seq.endswith("s") and not seq.endswith("ss"):
        return seq[:-1]
    return f"{seq}_item"


# --- string-concat-in-loop ---------------------------------------------------------------------


def join_string_parts(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """`s += x` in a loop -> `s_parts.append(x)`, then `s += "".join(s_parts)` after the loop."""
    found = locate(source, "string-concat-in-loop", perf.RULES, findings)
    if isinstance(found, Transformed):
        return found
    taken = module_names(found.ctx.module)
    for index, site in found.pairs:
        loop = site.related[0]
        _plan_join(found, loop, site.detail, fresh_name(f"{site.detail}_parts", taken))
        found.fixed.append(index)
    return found.result(source)


def _plan_join(found: Located, loop: cst.CSTNode, name: str, parts: str) -> None:
    for node in find(loop, cst.AugAssign, cst.Assign, nested=False):
        if (
            isinstance(node, cst.AugAssign)
            and isinstance(node.target, cst.Name)
            and node.target.value == name
        ):
            value: cst.BaseExpression = node.value
        elif (
            isinstance(node, cst.Assign)
            and accumulators.leftmost_sum_operand(node.value) is not None
            and any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets)
        ):
            # s = s + a + b -> s_parts.append(a + b)
            value = accumulators.without_leftmost(node.value)
        else:
            continue
        # s += x -> s_parts.append(x)
        append = cst.Expr(
            cst.Call(cst.Attribute(cst.Name(parts), cst.Name("append")), [cst.Arg(value)])
        )
        found.edits[node] = partial(_keep_semicolon, append)
    start = order.statement(f"{parts} = []")
    end = order.statement(f'{name} += "".join({parts})')

    found.edits[loop] = partial(_around, start, end)


def _keep_semicolon(new: cst.Expr, node: cst.CSTNode) -> cst.CSTNode:
    return new.with_changes(semicolon=getattr(node, "semicolon", cst.MaybeSentinel.DEFAULT))


def _around(
    start: cst.SimpleStatementLine, end: cst.SimpleStatementLine, node: cst.CSTNode
) -> cst.FlattenSentinel[cst.CSTNode]:
    """`start` before the statement (taking over its comments and blank lines), `end` after."""
    if not isinstance(node, (cst.For, cst.While)):
        raise TypeError(f"expected a loop, got {type(node).__name__}")
    first = start.with_changes(leading_lines=node.leading_lines)
    return cst.FlattenSentinel([first, node.with_changes(leading_lines=()), end])


# --- list-pop-front-in-loop --------------------------------------------------------------------

DEQUE_METHODS = frozenset(
    {"append", "appendleft", "extend", "extendleft", "popleft", "clear", "count", "remove"}
)


def use_deque(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """A local list used as a queue -> `collections.deque`: `pop(0)` -> `popleft()`,
    `insert(0, x)` -> `appendleft(x)`, when every use of the list is one a deque supports."""
    found = locate(source, "list-pop-front-in-loop", perf.RULES, findings)
    if isinstance(found, Transformed):
        return found
    module = found.ctx.module
    if "deque" in module_names(module) and "from collections import deque" not in source:
        for index, _ in found.pairs:
            found.skip(index, "the name `deque` is already used for something else in this file")
        return found.result(source)
    done: set[int] = set()
    for index, site in found.pairs:
        name, func = site.detail, cst.ensure_type(site.related[0], cst.FunctionDef)
        key = hash((id(func), name))
        if key in done:
            found.fixed.append(index)
            continue
        why = _plan_deque(found, func, name)
        if why:
            found.skip(index, why)
            continue
        done.add(key)
        found.fixed.append(index)
    if not found.fixed:
        return found.result(source)
    after = found.module_after_edits()
    body: list[cst.BaseStatement] = list(after.body)
    if "from collections import deque" not in source:
        order.add_from_import(after, body, "collections", "deque")
    return Transformed(after.with_changes(body=body).code, tuple(found.fixed), tuple(found.unfixed))


def _plan_deque(found: Located, func: cst.FunctionDef, name: str) -> str:
    """Plan the rewrite of `name` in `func` into a deque, or say why it is not safe."""
    uses = names(func, name, nested=True)
    calls: dict[int, cst.Call] = {}  # id of the receiver name -> the method call
    for c in find(func.body, cst.Call):
        if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute):
            calls[id(c.func.value)] = c
    inits = [
        a
        for a in find(func.body, cst.Assign, nested=False)
        if isinstance(a, cst.Assign) and any(t.target in uses for t in a.targets)
    ]
    if len(inits) != 1 or len(inits[0].targets) != 1:
        return f"`{name}` is assigned more than once"
    init = inits[0]
    edits: dict[cst.CSTNode, Rewrite] = {}
    for use in uses:
        if use is init.targets[0].target:
            continue
        call = calls.get(id(use))
        if call is None:
            if _plain_read(found, func, use):
                continue
            return f"`{name}` is used in a way a deque may not support: {found.ctx.code(use)}"
        method = cst.ensure_type(call.func, cst.Attribute).attr.value
        zero = (
            call.args
            and isinstance(call.args[0].value, cst.Integer)
            and call.args[0].value.value == "0"
        )
        if method == "pop" and len(call.args) == 1 and zero:
            # xs.pop(0) -> xs.popleft()
            edits[call] = changes(func=cst.Attribute(cst.Name(name), cst.Name("popleft")), args=[])
        elif method == "insert" and len(call.args) == 2 and zero:
            # xs.insert(0, x) -> xs.appendleft(x)
            edits[call] = partial(
                _append_left, cst.Attribute(cst.Name(name), cst.Name("appendleft"))
            )
        elif not (method in DEQUE_METHODS or (method == "pop" and not call.args)):
            return f"`{name}.{method}(...)` has no deque equivalent heal trusts"
    value = init.value
    if isinstance(value, cst.Call):
        # xs = list(items) -> xs = deque(items)
        edits[value] = changes(func=cst.Name("deque"))
    elif isinstance(value, cst.List):
        # xs = [a] -> xs = deque([a]); xs = [] -> xs = deque()
        edits[value] = _wrap_in_deque
    else:
        return f"`{name}` does not start as a list literal or `list(...)`"
    found.edits.update(edits)
    return ""


def _append_left(method: cst.Attribute, node: cst.CSTNode) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    return call.with_changes(func=method, args=trim(call.args[1:]))


def _wrap_in_deque(node: cst.CSTNode) -> cst.CSTNode:
    listed = cst.ensure_type(node, cst.List)
    return cst.Call(cst.Name("deque"), [cst.Arg(listed)] if listed.elements else [])


def _plain_read(found: Located, func: cst.FunctionDef, use: cst.Name) -> bool:
    """`len(xs)`, `if xs`/`while xs`/`not xs`, `for x in xs`, `x in xs`: the same on a deque."""
    for node in find(
        func.body,
        cst.Call,
        cst.If,
        cst.While,
        cst.UnaryOperation,
        cst.For,
        cst.CompFor,
        cst.ComparisonTarget,
        cst.BooleanOperation,
    ):
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value in ("len", "bool")
            and len(node.args) == 1
            and node.args[0].value is use
        ):
            return True
        if isinstance(node, (cst.If, cst.While)) and node.test is use:
            return True
        if isinstance(node, cst.UnaryOperation) and node.expression is use:
            return True
        if isinstance(node, (cst.For, cst.CompFor)) and node.iter is use:
            return True
        if (
            isinstance(node, cst.ComparisonTarget)
            and node.comparator is use
            and isinstance(node.operator, (cst.In, cst.NotIn))
        ):
            return True
        if isinstance(node, cst.BooleanOperation) and use in (node.left, node.right):
            return True
    return False


CODEMODS: Codemods = {
    "UseSetLiteral": legacy(use_set_literal),
    "UseMinMax": legacy(use_min_max),
    "CompileRegexOnce": legacy(compile_regex_once),
    "IterateDirectly": legacy(iterate_directly),
    "JoinStringParts": legacy(join_string_parts),
    "UseDeque": legacy(use_deque),
}
