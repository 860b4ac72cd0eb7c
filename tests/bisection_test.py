from __future__ import annotations

import math

import pytest

from healers.bisection import Unit, budget_for, isolate
from healers.finding import Span


def units(layout: list[tuple[str, str]]) -> list[Unit]:
    """One unit per (rule, path), in the order bisection sees them (sorted by rule, path)."""
    return [
        Unit(path, rule, (f"fp{i}",), (Span(i, i + 1, ""),))
        for i, (rule, path) in enumerate(sorted(layout))
    ]


def run(found: list[Unit], breaks, budget: int = 0) -> tuple[list[int], list[frozenset[int]]]:
    """isolate() with a command that fails when `breaks(kept units)` is true; every call logged."""
    calls: list[frozenset[int]] = []

    def passes(subset: frozenset[int]) -> bool:
        calls.append(subset)
        return not breaks({found[i].fingerprints[0] for i in subset})

    return isolate(found, passes, budget=budget).taken, calls


def bound(rules: int, files: int, fixes: int) -> int:
    return sum(math.ceil(math.log2(n)) for n in (rules, files, fixes)) + 1


LAYOUT = [(f"rule-{r}", f"f{f}.py") for r in range(8) for f in range(4)]  # 32 fixes


@pytest.mark.parametrize("culprit", [0, 5, 13, 31])
def test_one_culprit_is_found_in_about_log2_runs(culprit):
    found = units(LAYOUT)
    bad = found[culprit].fingerprints[0]
    culprits, calls = run(found, lambda kept: bad in kept)
    assert culprits == [culprit]
    assert len(calls) <= bound(8, 4, 1)  # 3 + 2 + 0 + 1 = 6 runs for 32 fixes
    assert calls[-1] == frozenset(range(32)) - {culprit}  # ends by confirming what is kept


def test_several_fixes_of_one_rule_in_one_file():
    found = units([("unused-import", "api.py")] * 6 + [("unsorted-imports", "api.py")] * 2)
    bad = {found[3].fingerprints[0], found[6].fingerprints[0]}
    culprits, calls = run(found, lambda kept: bool(bad & kept))
    assert sorted(culprits) == [3, 6]
    assert len(calls) <= 2 * bound(2, 1, 6)


def test_fixes_that_only_break_together_lose_one_of_them():
    found = units(LAYOUT[:8])
    pair = {found[2].fingerprints[0], found[6].fingerprints[0]}
    culprits, _ = run(found, lambda kept: pair <= kept)
    assert len(culprits) == 1
    assert found[culprits[0]].fingerprints[0] in pair


def test_a_command_that_always_fails_takes_every_fix_back():
    found = units(LAYOUT[:5])
    culprits, _ = run(found, lambda kept: True)
    assert sorted(culprits) == list(range(5))


def test_single_fix_needs_no_search():
    found = units([("unused-import", "a.py")])
    culprits, calls = run(found, bool)
    assert (culprits, calls) == ([0], [])


MANY = [(f"rule-{r}", f"f{f}.py") for r in range(10) for f in range(20)]  # 200 fixes


def test_a_rule_whose_fixes_fail_together_is_taken_back_whole():
    """All 20 fixes of one rule break the command: after its third culprit the rule goes back
    as a whole (not 20 searches of about 10 runs each), and every other fix is kept."""
    found = units(MANY)
    bad = {u.fingerprints[0] for u in found if u.rule == "rule-3"}
    calls: list[frozenset[int]] = []

    def passes(subset: frozenset[int]) -> bool:
        calls.append(subset)
        return not bad & {found[i].fingerprints[0] for i in subset}

    result = isolate(found, passes)
    assert result.rules == {"rule-3"}
    assert {found[i].fingerprints[0] for i in result.taken} == bad
    assert result.unproven == []
    assert len(calls) <= budget_for(200)


def test_the_budget_ends_the_search_and_takes_back_what_is_unproven():
    found = units(MANY)
    bad = {u.fingerprints[0] for i, u in enumerate(found) if i % 7 == 0}  # 29, in every rule
    taken, calls = run(found, lambda kept: bool(bad & kept), budget=12)
    assert len(calls) == 12
    assert {found[i].fingerprints[0] for i in taken} >= bad  # nothing broken is kept
    kept = set(range(200)) - set(taken)
    assert not bad & {found[i].fingerprints[0] for i in kept}


@pytest.mark.parametrize("culprits", [1, 5, 50])
def test_the_runs_stay_within_the_default_budget(culprits):
    found = units(MANY)
    bad = {found[(i * 37) % 200].fingerprints[0] for i in range(culprits)}
    taken, calls = run(found, lambda kept: bool(bad & kept))
    assert {found[i].fingerprints[0] for i in taken} >= bad
    assert len(calls) <= budget_for(200)
