"""The logic codemods: the fix a human approves for each approval-gated rule is the codemod's."""

from __future__ import annotations

import pytest

from healers import analysis, catalogue, registry
from healers.finding import Example, Finding, Rule
from tests.helpers import run_codemod

GATED = [
    pytest.param(rule, example, id=f"{rule.id}[example {i}]")
    for rule in sorted(catalogue.load().rules.values(), key=lambda r: r.id)
    if rule.approval == "always" and rule.fix != "none" and rule.source.startswith("rules/logic")
    for i, example in enumerate(rule.examples)
]


def analyze(source: str) -> list[Finding]:
    result = analysis.analyze_job("m.py", source, registry.own_table())
    assert "error" not in result, result
    return [Finding(**f) for f in result["findings"]]


@pytest.mark.parametrize(("rule", "example"), GATED)
def test_approval_gated_fix_is_proposed(rule: Rule, example: Example) -> None:
    """`--fix` leaves these for a human (rules_test checks that); the diff a human approves is
    the codemod's, and it turns `before` into exactly `after`."""
    found = [f for f in analyze(example.before) if f.name == rule.id]
    assert found
    result = run_codemod(rule.fix, example.before, found)
    assert result.text == example.after
    assert len(result.fixed) == len(found)
