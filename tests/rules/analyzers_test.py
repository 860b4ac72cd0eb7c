"""Generated rule tests, slow tier: the real analyzers (heal's analyze stage) fire on each
example's `before` and not on its `after`, and report exactly what the captures the fast tier
uses hold (fixtures/captured/rule_examples.json)."""

from __future__ import annotations

from typing import Any

import pytest

from healers import captures, examples
from healers.examples import Case
from tests.helpers import REPO

pytestmark = [
    pytest.mark.slow,  # ruff, mypy and bandit on every example
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),  # compile() of assert-on-tuple's example
]
CAPTURES = captures.load(REPO / captures.PATH)
CASES = examples.cases()


def params(*kinds: str) -> list[Any]:
    return [pytest.param(case, id=case.id) for case in CASES if case.kind in kinds]


@pytest.fixture(scope="session")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Each case captured anew from the real analyzers, once per session (both tests read it)."""
    warm = examples.warm_cache(tmp_path_factory.mktemp("warm"))
    done: dict[str, captures.Entry] = {}

    def capture(case: Case) -> captures.Entry:
        if case.id not in done:
            scratch = tmp_path_factory.mktemp("capture")
            done[case.id] = captures.capture(case, scratch, warm)
        return done[case.id]

    return capture


@pytest.mark.parametrize("case", params("example"))
def test_analyzer_fires_on_before_not_on_after(case: Case, fresh: Any) -> None:
    example = case.example
    found = captures.lookup(fresh(case), case)
    assert found(case.files()), f"{case.rule.codes} did not fire on `before`"
    if example.after != example.before:
        assert found(case.files(example.after)) == [], "fires on `after`"


@pytest.mark.parametrize("case", params("example", "unchanged"))
def test_captures_are_what_the_analyzers_report(case: Case, fresh: Any) -> None:
    """A newer ruff, mypy or bandit, or a change to heal's own rules: recapture."""
    assert captures.entry(CAPTURES, case) == fresh(case), (
        "the analyzers report something else now: run `python -m healers.docs --recapture`"
    )
