"""Performance healer: heal's own libcst rules for slow patterns, most of them in loops (their
checks are in loops.py, accumulators.py and queries.py)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from healers.analysis import Context, RuleTable, Site
from healers.performance.accumulators import string_concat_in_loop
from healers.performance.loops import (
    list_pop_front_in_loop,
    membership_in_list_literal,
    range_len_indexing,
    regex_compiled_in_loop,
)
from healers.performance.queries import dotted_lookup_in_loop, query_in_loop
from healers.syntax import call_name

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
