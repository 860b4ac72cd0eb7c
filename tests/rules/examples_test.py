"""Generated rule tests, fast tier: every rule file's [[example]] and [[unchanged]], healed from
the analyzers' captured findings (fixtures/captured/rule_examples.json) by the rule's own fix (its
codemod as the worker calls it, or the analyzer's own edits, through the apply stage), pass after
pass as `heal --fix --select <rule>` would, with every finding approved. No analyzer runs here;
tests/rules/analyzers_test.py checks the captures against the real analyzers."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers import captures, catalogue, examples, registry
from healers.codemod import FindingCodemod
from healers.examples import Case, Files
from healers.finding import Finding
from tests.helpers import REPO

# compile() of assert-on-tuple's example warns "assertion is always true": that is the point
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
CAPTURES = captures.load(REPO / captures.PATH)
CASES = examples.cases()
REFRESH = "run `python -m healers.docs` to capture it"


def params(kind: str) -> list[object]:
    return [pytest.param(case, id=case.id) for case in CASES if case.kind == kind]


def findings(case: Case, files: Files) -> list[Finding]:
    """The captured findings of the rule on this state of the case's files."""
    found = captures.entry(CAPTURES, case)
    assert found is not None, f"{case.id} has no captured findings: {REFRESH}"
    assert found["sha256"] == case.digest(), f"{case.id} changed since its capture: {REFRESH}"
    try:
        return captures.lookup(found, case)(files)
    except captures.Missing as exc:  # the fix now writes a text nobody analyzed
        pytest.fail(f"{exc}: the rule's fix changed; {REFRESH}")


def healed(case: Case, root: Path) -> tuple[list[Files], list[str]]:
    return examples.heal(root, case, lambda files: findings(case, files))


def context_kept(case: Case, files: Files) -> None:
    for path, source in case.example.context:
        assert files[path] == source, f"context file {path} was changed"


@pytest.mark.parametrize("case", params("example"))
def test_example(case: Case, tmp_path: Path) -> None:
    """`before` is flagged and its captured findings heal it into exactly `after` (a rule without
    a fix leaves it as it is); the analyzers found nothing of the rule on `after`."""
    example, rule = case.example, case.rule
    states, declined = healed(case, tmp_path)
    assert findings(case, states[0]), f"{rule.codes} did not fire on `before` (captured)"
    expected = example.before if rule.fix == "none" else example.after
    assert states[-1][example.path] == expected, "\n".join(["declined:", *declined])
    context_kept(case, states[-1])
    if rule.fix == "none":
        assert len(states) == 1, "a rule without a fix changed a file"
    if example.after != example.before:
        after = findings(case, case.files(example.after))
        assert after == [], f"fires on `after` (captured): {after}"


@pytest.mark.parametrize("case", params("unchanged"))
def test_lookalike_is_untouched(case: Case, tmp_path: Path) -> None:
    """A look-alike's captured findings (if the analyzer fires on it at all) change nothing."""
    states, _ = healed(case, tmp_path)
    assert states == [case.files()], f"changed: {states[-1][case.example.path]}"


def test_every_rule_is_exercised() -> None:
    rules = catalogue.load().rules
    assert {case.rule.id for case in CASES if case.kind == "example"} == set(rules)


def test_every_case_is_captured() -> None:
    assert captures.check(CAPTURES, catalogue.load()) == [], REFRESH


class Declines(FindingCodemod):
    def fix(self, finding: Finding) -> str | None:
        return "declined by the test"


@pytest.mark.parametrize("case", [CASES[0], next(c for c in CASES if c.rule.category == "type")])
def test_a_codemod_that_declines_fails_its_example(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast tier runs the registry's codemod (as the worker does), not a copy of the fix."""
    monkeypatch.setitem(registry.codemods(), case.rule.fix, Declines)
    states, declined = healed(case, tmp_path)
    assert states == [case.files()]
    assert declined and all(why.endswith("declined by the test") for why in declined)
