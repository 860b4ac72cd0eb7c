"""The captured findings of the rule examples: a round trip without loss, and `python -m
healers.docs` re-analyzing only the examples whose captures are out of date."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from healers import captures, catalogue, examples
from healers.examples import Case
from healers.finding import Edit, Finding, Fix
from tests.helpers import REPO

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # compile() of the examples
COMMITTED = captures.load(REPO / captures.PATH)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """captures.capture replaced by a stand-in that records which cases it was asked for."""
    asked: list[str] = []

    def capture(case: Case, scratch: Path, cache: Path) -> captures.Entry:
        asked.append(case.id)
        return {"sha256": case.digest(), "findings": {"new": []}}

    monkeypatch.setattr(captures, "capture", capture)
    monkeypatch.setattr(examples, "warm_cache", lambda folder: folder)
    return asked


def test_a_finding_survives_the_round_trip() -> None:
    edit = Edit(1, 5, 1, 7, "None")
    fix = Fix("unsafe", "Replace with `None`", (edit,))
    finding = Finding("ruff:B006", "pkg/a.py", 1, 5, "m", name="n", end_line=1, fix=fix)
    assert captures.from_json(captures.to_json(finding)) == finding
    assert captures.to_json(Finding("heal:x", "a.py", 2, 1, "m")) == {
        "code": "heal:x",
        "path": "a.py",
        "line": 2,
        "column": 1,
        "message": "m",
    }


def test_current_captures_are_kept(recorded: list[str]) -> None:
    new, captured = captures.refresh(COMMITTED, catalogue.load())
    assert (captured, recorded) == ([], [])
    assert captures.dumps(new) == captures.dumps(COMMITTED)


def test_only_changed_examples_are_analyzed_again(recorded: list[str]) -> None:
    data: dict[str, Any] = copy.deepcopy(COMMITTED)
    edited, fixed_anew, gone = examples.cases()[:3]
    data["rules"][edited.rule.id][edited.key]["sha256"] = "edited"
    # the rule's fix now writes a text no capture holds: its last state is not there
    states = data["rules"][fixed_anew.rule.id][fixed_anew.key]["findings"]
    del states[list(states)[-1]]
    del data["rules"][gone.rule.id][gone.key]
    new, captured = captures.refresh(data, catalogue.load())
    assert captured == [edited.id, fixed_anew.id, gone.id]
    assert sorted(recorded) == sorted(captured)  # captured two at a time
    assert new["rules"][edited.rule.id][edited.key]["findings"] == {"new": []}
    assert new["versions"] == captures.versions()


def test_new_analyzers_mean_everything_is_analyzed_again(recorded: list[str]) -> None:
    data = {**COMMITTED, "versions": {**COMMITTED["versions"], "ruff": "0.0.1"}}
    _, captured = captures.refresh(data, catalogue.load())
    assert captured == [case.id for case in examples.cases()]
    assert sorted(recorded) == sorted(captured)
