"""Bisection: which of a pass's fixes break the project's command, in about log2(n) runs."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from healers.finding import FileResult, Outcome, Span


@dataclass(frozen=True)
class Unit:
    """One fix as verification can take it back: one plan group (a ruff edit, or one codemod's
    edits in a file), as spans on the text the pass started from."""

    path: str
    rule: str
    fingerprints: tuple[str, ...]
    spans: tuple[Span, ...]


def units_of(plans: Mapping[str, FileResult], outcomes: Mapping[str, Outcome]) -> list[Unit]:
    """Every fix of the pass, ordered by rule, file and position: the order bisection splits."""
    found = []
    for path, result in plans.items():
        for prints, spans in result.groups:
            rule = min(outcomes[p].rule.id for p in prints)
            found.append(Unit(path, rule, prints, spans))
    return sorted(found, key=lambda u: (u.rule, u.path, u.spans[0].start if u.spans else 0))


WHOLE_RULE = 3  # the culprit of a rule that takes the rest of its fixes back with it


class _Spent(Exception):
    """The run budget is used up."""


def budget_for(fixes: int) -> int:
    """The default `verify-budget`: about 4 x log2(fixes) + 10 runs of the command."""
    return 4 * math.ceil(math.log2(max(fixes, 2))) + 10


def isolate(
    units: Sequence[Unit], passes: Callable[[frozenset[int]], bool], *, budget: int = 0
) -> Isolated:
    """The units to take back so that `passes` holds, given that it fails with all of them and
    holds with none. Each culprit is found by binary search over prefixes: first among the
    rules, then among that rule's files, then among that file's fixes; it is taken out and the
    rest tested again (about log2(rules) + log2(files) + log2(fixes) + 1 runs per culprit). A
    rule with a third culprit is taken back whole (its fixes fail together); after `budget`
    runs (0: budget_for) whatever no passing run proved is taken back, unproven."""
    limit = budget or budget_for(len(units))
    runs = 0
    passed: list[frozenset[int]] = []

    def counted(subset: frozenset[int]) -> bool:
        nonlocal runs
        if runs >= limit:
            raise _Spent
        runs += 1
        ok = passes(subset)
        passed.extend([subset] if ok else [])
        return ok

    kept = list(range(len(units)))
    found = Isolated()
    try:
        while kept:
            culprit = _narrow(units, kept, counted)
            rule = units[culprit].rule
            whole = [units[i].rule for i in found.culprits].count(rule) >= WHOLE_RULE - 1
            out = [i for i in kept if units[i].rule == rule] if whole else [culprit]
            found.culprits.extend(out)
            found.rules.update([rule] if whole else [])
            kept = [i for i in kept if i not in out]
            if kept and counted(frozenset(kept)):
                break
    except _Spent:  # keep the largest set of fixes a run passed with, within what is left
        proven = max((p for p in passed if p <= set(kept)), key=len, default=frozenset())
        found.unproven.extend(i for i in kept if i not in proven)
    return found


@dataclass
class Isolated:
    """What bisection takes back: the culprits (among them, every fix of the `rules` taken back
    whole) and the fixes left unproven when the budget ran out."""

    culprits: list[int] = field(default_factory=list)
    rules: set[str] = field(default_factory=set)
    unproven: list[int] = field(default_factory=list)

    @property
    def taken(self) -> list[int]:
        return [*self.culprits, *self.unproven]


def _narrow(
    units: Sequence[Unit], kept: Sequence[int], passes: Callable[[frozenset[int]], bool]
) -> int:
    base: frozenset[int] = frozenset()  # known to pass together
    candidates = list(kept)
    keys: tuple[Callable[[int], object], ...] = (
        lambda i: units[i].rule,
        lambda i: units[i].path,
        lambda i: i,
    )
    for key in keys:
        groups: dict[object, list[int]] = {}
        for index in candidates:
            groups.setdefault(key(index), []).append(index)
        ordered = list(groups.values())
        lo, hi = 0, len(ordered) - 1  # base + ordered[: hi + 1] is known to fail
        while lo < hi:
            mid = (lo + hi) // 2
            if passes(base.union(*ordered[: mid + 1])):
                lo = mid + 1
            else:
                hi = mid
        base = base.union(*ordered[:lo])
        candidates = ordered[lo]
    return candidates[0]
