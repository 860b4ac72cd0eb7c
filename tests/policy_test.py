from __future__ import annotations

import pytest

from healers import catalogue
from healers.classify import matches, prioritize
from healers.finding import Edit, Finding, Fix, Outcome
from healers.policy import fixability as status_for


def finding(code: str, *, fix: Fix | None = None, severity: str = "", line: int = 1) -> Finding:
    return Finding(
        code=code, path="a.py", line=line, column=1, message="m", fix=fix, severity=severity
    )


SAFE = Fix("safe", "Remove it", (Edit(1, 1, 1, 2, ""),))
UNSAFE = Fix("unsafe", "Rewrite it", (Edit(1, 1, 1, 2, ""),))


@pytest.mark.parametrize(
    ("f", "unsafe", "expected"),
    [
        pytest.param(finding("ruff:F401", fix=SAFE), False, "fixable", id="ruff safe edit"),
        pytest.param(finding("ruff:C403", fix=UNSAFE), False, "unsafe-fix", id="ruff unsafe edit"),
        pytest.param(finding("ruff:C403", fix=UNSAFE), True, "fixable", id="unsafe allowed"),
        pytest.param(finding("ruff:E501"), False, "unfixable", id="ruff without an edit"),
        pytest.param(finding("mypy:arg-type"), False, "unfixable", id="mypy, no codemod"),
        pytest.param(finding("bandit:B602", severity="high"), True, "blocked", id="HIGH"),
        pytest.param(finding("bandit:B506", severity="medium"), False, "unsafe-fix", id="MED"),
        pytest.param(finding("bandit:B506", severity="medium"), True, "fixable", id="MED unsafe"),
        pytest.param(finding("bandit:B324", severity="high"), True, "blocked", id="HIGH fix"),
        pytest.param(finding("bandit:B105", severity="low"), True, "needs-approval", id="always"),
        pytest.param(finding("bandit:B403", severity="low"), True, "unfixable", id="no fix"),
    ],
)
def test_status_for(f, unsafe, expected):
    rule = catalogue.load().rule_for(f)
    status, reason = status_for(rule, f, unsafe_fixes=unsafe)
    assert status == expected
    assert reason


@pytest.mark.parametrize(("verified", "expected"), [(False, "unsafe-fix"), (True, "fixable")])
@pytest.mark.parametrize("code", ["ruff:SIM201", "ruff:SIM202"])
def test_a_comparison_method_swap_waits_for_a_verify_command(code, verified, expected):
    f = finding(code, fix=UNSAFE)
    rule = catalogue.load().rule_for(f)
    status, reason = status_for(rule, f, unsafe_fixes=True, verified=verified)
    assert status == expected
    assert ("--verify-cmd" in reason) is not verified


def test_order_is_priority_then_path_then_line():
    cat = catalogue.load()
    found = [
        finding("ruff:W291", line=1),
        finding("bandit:B105", line=9),
        finding("mypy:misc", line=3),
    ]
    outcomes = [Outcome(f, cat.rule_for(f), str(i), "unfixable") for i, f in enumerate(found)]
    assert [o.finding.code for o in prioritize(outcomes)] == [
        "bandit:B105",
        "mypy:misc",
        "ruff:W291",
    ]


def test_matches_category_rule_code_and_prefix():
    f = finding("ruff:F401", fix=SAFE)
    outcome = Outcome(f, catalogue.load().rule_for(f), "x", "fixable")
    assert (
        matches(outcome, ["import"])
        and matches(outcome, ["ruff:F4"])
        and matches(outcome, ["ruff:F401"])
    )
    assert not matches(outcome, ["style"]) and not matches(outcome, ["ruff:E"])


def _gone(prints: list[str], left: list[str]) -> list[str]:
    from healers.policy import fixed

    rule = catalogue.load().rule_for(finding("ruff:E722"))
    initial = [
        Outcome(finding("ruff:E722", line=i + 1), rule, p, "unfixable")
        for i, p in enumerate(prints)
    ]
    final = [
        Outcome(finding("ruff:E722", line=i + 1), rule, p, "unfixable") for i, p in enumerate(left)
    ]
    return [o.fingerprint for o in fixed(initial, final)]


@pytest.mark.parametrize(
    ("prints", "left", "gone"),
    [
        pytest.param(["a", "b", "c"], ["b", "c"], ["a"], id="the first of three fixed"),
        pytest.param(["a", "b", "c"], ["a", "b"], ["c"], id="the last of three fixed"),
        pytest.param(["a", "b"], ["x", "y"], [], id="both moved: new fingerprints, same count"),
        pytest.param(["a", "b", "c"], ["b", "y"], ["c"], id="one moved, one fixed: counted"),
    ],
)
def test_fixed_matches_fingerprints_before_counting_the_rest(prints, left, gone) -> None:
    assert _gone(prints, left) == gone
