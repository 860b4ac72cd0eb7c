"""Performance codemods: the fixes of heal's own performance rules, by name (a rule's `fix`); the
larger ones are in regex.py and deque.py."""

from __future__ import annotations

from functools import partial

import libcst as cst

from healers.analysis import Site
from healers.codemod import Codemods, changes, to
from healers.imports import order
from healers.performance.accumulators import leftmost_sum_operand, without_leftmost
from healers.performance.deque import UseDeque
from healers.performance.loops import indexed_reads, range_len
from healers.performance.regex import CompileRegexOnce
from healers.performance.rules import RULES, sorted_pick
from healers.sites import NOT_FOUND, SiteCodemod, without_trailing_comma
from healers.syntax import find, names

HASHABLE = (cst.SimpleString, cst.Integer, cst.Float)


class UseSetLiteral(SiteCodemod):
    """`x in [a, b]` -> `x in {a, b}` (constants) or `x in (a, b)` (anything else)."""

    rule = "membership-in-list-literal"
    rules = RULES

    def fix_site(self, site: Site) -> str | None:
        self.replace(site.node, _set_or_tuple)
        return None


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


class UseMinMax(SiteCodemod):
    """`sorted(x)[0]` -> `min(x)`, `sorted(x)[-1]` -> `max(x)` (reverse=True swaps them)."""

    rule = "sorted-min-max"
    rules = RULES

    def fix_site(self, site: Site) -> str | None:
        pick = sorted_pick(self.ctx, cst.ensure_type(site.node, cst.Subscript))
        if pick is None:  # the rule found the site with this very check: never the case
            return NOT_FOUND
        self.replace(site.node, partial(_min_max, pick=pick))
        return None


def _min_max(node: cst.CSTNode, pick: str) -> cst.CSTNode:
    # sorted(x, key=k)[0] -> min(x, key=k)
    call = cst.ensure_type(cst.ensure_type(node, cst.Subscript).value, cst.Call)
    args = [a for a in call.args if not (a.keyword and a.keyword.value == "reverse")]
    return call.with_changes(func=cst.Name(pick), args=without_trailing_comma(args))


class IterateDirectly(SiteCodemod):
    """`for i in range(len(xs)): f(xs[i])` -> `for x in xs: f(x)` (or enumerate when i is used)."""

    rule = "range-len-indexing"
    rules = RULES

    def fix_site(self, site: Site) -> str | None:
        loop = cst.ensure_type(site.node, cst.For)
        shape = range_len(loop)
        reads = indexed_reads(loop, *shape) if shape else None
        if shape is None or reads is None:  # the rule found the site with these checks: never
            return NOT_FOUND
        i, seq = shape
        element = cst.Name(self.fresh(_singular(seq)))
        scope = site.related[0] if site.related else self.module
        other_uses = len(names(scope, i)) - len(reads) - 1  # the target is one use
        for read in reads:
            self.replace(read, to(element))
        if other_uses:
            # for i in range(len(xs)): -> for i, x in enumerate(xs):
            loop_target: cst.BaseAssignTargetExpression = cst.Tuple(
                [cst.Element(cst.Name(i)), cst.Element(element)], lpar=[], rpar=[]
            )
            iterable: cst.BaseExpression = cst.Call(cst.Name("enumerate"), [cst.Arg(cst.Name(seq))])
        else:
            # for i in range(len(xs)): -> for x in xs:
            loop_target, iterable = element, cst.Name(seq)
        self.replace(loop, changes(target=loop_target, iter=iterable))
        return None


def _singular(seq: str) -> str:
    if len(seq) > 3 and seq.endswith("s") and not seq.endswith("ss"):
        return seq[:-1]
    return f"{seq}_item"


class JoinStringParts(SiteCodemod):
    """`s += x` in a loop -> `s_parts.append(x)`, then `s += "".join(s_parts)` after the loop."""

    rule = "string-concat-in-loop"
    rules = RULES

    def __init__(self, module: cst.Module, target: tuple[int, int] | None) -> None:
        super().__init__(module, target)
        self.joined: dict[cst.CSTNode, list[tuple[str, str]]] = {}  # loop -> (name, parts list)

    def fix_site(self, site: Site) -> str | None:
        loop, name = site.related[0], site.detail
        parts = self.fresh(f"{name}_parts")
        for node in _appends(loop, name):
            value = node.value if isinstance(node, cst.AugAssign) else without_leftmost(node.value)
            # s += x -> s_parts.append(x); s = s + a + b -> s_parts.append(a + b)
            append = cst.Expr(
                cst.Call(cst.Attribute(cst.Name(parts), cst.Name("append")), [cst.Arg(value)])
            )
            self.replace(node, partial(_keep_semicolon, append))
        if loop not in self.joined:  # one loop may grow several strings: all wrap it once
            self.joined[loop] = []
            self.replace(loop, partial(self._around, loop))
        self.joined[loop].append((name, parts))
        return None

    def _around(self, loop: cst.CSTNode, node: cst.CSTNode) -> cst.FlattenSentinel[cst.CSTNode]:
        """Each `parts = []` before the loop (the first takes over its comments and blank
        lines), each `name += "".join(parts)` after it."""
        if not isinstance(node, (cst.For, cst.While)):
            raise TypeError(f"expected a loop, got {type(node).__name__}")
        joined = self.joined[loop]
        starts = [order.statement(f"{parts} = []") for _, parts in joined]
        ends = [order.statement(f'{name} += "".join({parts})') for name, parts in joined]
        starts[0] = starts[0].with_changes(leading_lines=node.leading_lines)
        return cst.FlattenSentinel([*starts, node.with_changes(leading_lines=()), *ends])


def _appends(loop: cst.CSTNode, name: str) -> list[cst.AugAssign | cst.Assign]:
    """The statements of the loop that append to `name`: `name += x`, `name = name + x`."""
    found: list[cst.AugAssign | cst.Assign] = []
    for node in find(loop, cst.AugAssign, cst.Assign, nested=False):
        if isinstance(node, cst.AugAssign):
            if isinstance(node.target, cst.Name) and node.target.value == name:
                found.append(node)
        elif isinstance(node, cst.Assign) and (
            leftmost_sum_operand(node.value) is not None
            and any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets)
        ):
            found.append(node)
    return found


def _keep_semicolon(new: cst.Expr, node: cst.CSTNode) -> cst.CSTNode:
    return new.with_changes(semicolon=getattr(node, "semicolon", cst.MaybeSentinel.DEFAULT))


CODEMODS: Codemods = {
    "UseSetLiteral": UseSetLiteral,
    "UseMinMax": UseMinMax,
    "CompileRegexOnce": CompileRegexOnce,
    "IterateDirectly": IterateDirectly,
    "JoinStringParts": JoinStringParts,
    "UseDeque": UseDeque,
}
