"""Bisection: which of a pass's fixes break the project's command, in about log2(n) runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

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


def isolate(units: Sequence[Unit], passes: Callable[[frozenset[int]], bool]) -> list[int]:
    """Indexes of the units to take back so that `passes` holds, given that it fails with all of
    them and holds with none. Each culprit is found by binary search over prefixes: first among
    the rules, then among that rule's files, then among that file's fixes; it is taken out and the
    rest tested again. About log2(rules) + log2(files) + log2(fixes) + 1 runs per culprit."""
    kept = list(range(len(units)))
    culprits = []
    while kept:
        culprit = _narrow(units, kept, passes)
        culprits.append(culprit)
        kept.remove(culprit)
        if kept and passes(frozenset(kept)):
            break
    return culprits


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
