"""Performance codemod for a list used as a queue: it becomes a `collections.deque` when every
use of it is one a deque supports the same way."""

from __future__ import annotations

from functools import cached_property, partial

import libcst as cst

from healers.analysis import Site
from healers.codemod import Rewrite, changes
from healers.imports import order
from healers.performance.rules import RULES
from healers.sites import SiteCodemod, without_trailing_comma
from healers.syntax import find, names

DEQUE_METHODS = frozenset(
    {"append", "appendleft", "extend", "extendleft", "popleft", "clear", "count", "remove"}
)
IMPORT = "from collections import deque"
# the reads that mean the same on a deque: len(xs), if xs, not xs, for x in xs, x in xs, xs or y
READS = (
    cst.Call,
    cst.If,
    cst.While,
    cst.UnaryOperation,
    cst.For,
    cst.CompFor,
    cst.ComparisonTarget,
    cst.BooleanOperation,
)


class UseDeque(SiteCodemod):
    """A local list used as a queue -> `collections.deque`: `pop(0)` -> `popleft()`,
    `insert(0, x)` -> `appendleft(x)`, when every use of the list is one a deque supports."""

    rule = "list-pop-front-in-loop"
    rules = RULES

    def __init__(self, module: cst.Module, target: tuple[int, int] | None) -> None:
        super().__init__(module, target)
        self.done: set[tuple[cst.CSTNode, str]] = set()  # (function, list) already planned

    @cached_property
    def imported(self) -> bool:
        return IMPORT in self.module.code

    def fix_site(self, site: Site) -> str | None:
        if "deque" in self.taken and not self.imported:
            return "the name `deque` is already used for something else in this file"
        name, func = site.detail, cst.ensure_type(site.related[0], cst.FunctionDef)
        if (func, name) in self.done:
            return None  # another finding on the same list: planned with the first one
        why = self._plan_deque(func, name)
        if why:
            return why
        self.done.add((func, name))
        return None

    def finish(self, module: cst.Module) -> cst.Module | str:
        body: list[cst.BaseStatement] = list(module.body)
        if not self.imported:
            # q = deque() -> from collections import deque / q = deque()
            order.add_from_import(module, body, "collections", "deque")
        return module.with_changes(body=body)

    def _plan_deque(self, func: cst.FunctionDef, name: str) -> str:
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
                if _plain_read(func, use):
                    continue
                return f"`{name}` is used in a way a deque may not support: {self.code(use)}"
            method = cst.ensure_type(call.func, cst.Attribute).attr.value
            zero = (
                call.args
                and isinstance(call.args[0].value, cst.Integer)
                and call.args[0].value.value == "0"
            )
            if method == "pop" and len(call.args) == 1 and zero:
                # xs.pop(0) -> xs.popleft()
                popleft = cst.Attribute(cst.Name(name), cst.Name("popleft"))
                edits[call] = changes(func=popleft, args=[])
            elif method == "insert" and len(call.args) == 2 and zero:
                # xs.insert(0, x) -> xs.appendleft(x)
                appendleft = cst.Attribute(cst.Name(name), cst.Name("appendleft"))
                edits[call] = partial(_append_left, appendleft)
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
        for node, rewrite in edits.items():
            self.replace(node, rewrite)
        return ""


def _append_left(method: cst.Attribute, node: cst.CSTNode) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    return call.with_changes(func=method, args=without_trailing_comma(call.args[1:]))


def _wrap_in_deque(node: cst.CSTNode) -> cst.CSTNode:
    listed = cst.ensure_type(node, cst.List)
    return cst.Call(cst.Name("deque"), [cst.Arg(listed)] if listed.elements else [])


def _plain_read(func: cst.FunctionDef, use: cst.Name) -> bool:
    """`len(xs)`, `if xs`/`while xs`/`not xs`, `for x in xs`, `x in xs`: the same on a deque."""
    for node in find(func.body, *READS):
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
