"""What heal's own codemods share: find the rule's sites again for the findings, replace nodes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import libcst as cst

from healers import analysis
from healers.finding import Finding, Transformed

Replacement = cst.CSTNode | cst.FlattenSentinel[cst.CSTNode] | cst.RemovalSentinel
Rewrite = Callable[[cst.CSTNode], Replacement]
NOT_FOUND = "heal's rule no longer finds this pattern here; left as it is"
CANNOT_PARSE = "libcst cannot parse this file and write it back byte for byte"


@dataclass
class Located:
    """A parsed file, the rule's sites matched to the findings, and the edits planned so far."""

    ctx: analysis.Context
    pairs: list[tuple[int, analysis.Site]]
    unfixed: list[tuple[int, str]]
    edits: dict[cst.CSTNode, Rewrite] = field(default_factory=dict)
    fixed: list[int] = field(default_factory=list)

    def skip(self, index: int, reason: str) -> None:
        self.unfixed.append((index, reason))

    def result(self, source: str, module: cst.Module | None = None) -> Transformed:
        if not self.fixed:
            return Transformed(source, (), tuple(self.unfixed))
        done = (module or self.ctx.module).visit(Replace(self.edits))
        return Transformed(done.code, tuple(self.fixed), tuple(self.unfixed))

    def module_after_edits(self) -> cst.Module:
        return self.ctx.module.visit(Replace(self.edits))


class Replace(cst.CSTTransformer):
    """Rewrites nodes by identity; each rewrite gets the node with its children already done."""

    def __init__(self, edits: Mapping[cst.CSTNode, Rewrite]) -> None:
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Replacement:  # type: ignore[override] # libcst's own signature is wider
        rewrite = self.edits.get(original_node)
        return rewrite(updated_node) if rewrite is not None else updated_node


def table_for(
    rule: str, rules: analysis.RuleTable
) -> dict[type[cst.CSTNode], list[analysis.Check]]:
    return analysis.dispatch([{k: v for k, v in rules.items() if k.partition(":")[0] == rule}])


def locate(
    source: str, rule: str, rules: analysis.RuleTable, findings: Sequence[Finding]
) -> Located | Transformed:
    """The rule's sites matched to findings by line (then column); a finding without a site is
    unfixed. A Transformed (nothing done) when libcst cannot round-trip the file."""
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError):
        module = None
    if module is None or module.code != source:  # a trailing bare "\r" (conventions.md §0)
        return Transformed(source, unfixed=tuple((i, CANNOT_PARSE) for i in range(len(findings))))
    ctx, sites = analysis.sites(module, table_for(rule, rules))
    by_line: dict[int, list[analysis.Site]] = {}
    for site in sites:
        by_line.setdefault(ctx.position(site.node)[0], []).append(site)
    pairs, unfixed = [], []
    for index, finding in enumerate(findings):
        here = by_line.get(finding.line, [])
        exact = [s for s in here if ctx.position(s.node)[1] == finding.column]
        if exact or here:
            site = (exact or here)[0]
            here.remove(site)
            pairs.append((index, site))
        else:
            unfixed.append((index, NOT_FOUND))
    return Located(ctx, pairs, unfixed)


def with_trailing_comma_fixed(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """Arguments after some were removed: the last one keeps no dangling comma."""
    out = list(args)
    if out:
        out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out


def module_names(module: cst.Module) -> set[str]:
    from healers.syntax import find

    return {n.value for n in find(module, cst.Name) if isinstance(n, cst.Name)}


def fresh_name(wanted: str, taken: set[str]) -> str:
    name, n = wanted, 2
    while name in taken:
        name, n = f"{wanted}_{n}", n + 1
    taken.add(name)
    return name


def _constant(new: Replacement, _node: cst.CSTNode) -> Replacement:
    return new


def _changed(fields: dict[str, object], node: cst.CSTNode) -> cst.CSTNode:
    return node.with_changes(**fields)


def to(new: Replacement) -> Rewrite:
    """A rewrite into `new`, whatever the node became."""
    return partial(_constant, new)


def changes(**fields: object) -> Rewrite:
    """A rewrite that changes these fields of the (updated) node."""
    return partial(_changed, fields)


REMOVE: Rewrite = to(cst.RemovalSentinel.REMOVE)
