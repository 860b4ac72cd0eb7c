"""Logic rules about conditions: a branch whose condition repeats an earlier one, a condition
that is a constant."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from healers.analysis import Context, Site
from healers.logic.flow import always_true
from healers.syntax import find, is_constant

SIDE_EFFECTS = (cst.Call, cst.Await, cst.Yield, cst.NamedExpr)
_SPACE = re.compile(r"\s+")


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


# --- constant-condition ------------------------------------------------------------------------


def constant_test(node: cst.If | cst.While | cst.IfExp) -> bool:
    test = node.test
    if isinstance(node, cst.While) and always_true(test):
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
