"""Which fixes a type-regression rollback blames: a codemod's, else the analyzer edit nearest the
new error, so the file's other edits get another pass instead of being lost with it."""

from __future__ import annotations

import pytest

from healers import catalogue, regressions
from healers.finding import Finding, Outcome


def outcome(code: str, line: int, status: str = "fixable") -> Outcome:
    found = Finding(code=code, path="m.py", line=line, column=1, message="")
    rule = catalogue.load().rule_for(found)
    return Outcome(found, rule, f"{code}@{line}", status)  # type: ignore[arg-type] # a status


def error(line: int) -> Finding:
    return Finding(code="mypy:misc", path="m.py", line=line, column=1, message="new")


BLAMED = [
    pytest.param(
        [outcome("ruff:I001", 1), outcome("ruff:F401", 3), outcome("ruff:F841", 40)],
        [error(44)],
        ["ruff:F841@40"],
        id="analyzer edits: the one nearest the new error",
    ),
    pytest.param(
        [outcome("ruff:I001", 1), outcome("mypy:var-annotated", 30)],
        [error(2)],
        ["mypy:var-annotated@30"],
        id="a codemod ran: its fixes, wherever the error is",
    ),
    pytest.param(
        [outcome("ruff:I001", 1), outcome("ruff:F401", 3)],
        [],
        ["ruff:I001@1", "ruff:F401@3"],
        id="no new error known: every fix of the file",
    ),
    pytest.param(
        [outcome("ruff:F401", 3, status="unfixable"), outcome("ruff:F841", 9)],
        [error(4)],
        ["ruff:F841@9"],
        id="only fixes that were applied",
    ),
]


@pytest.mark.parametrize(("outcomes", "new", "blamed"), BLAMED)
def test_suspects(outcomes: list[Outcome], new: list[Finding], blamed: list[str]) -> None:
    assert regressions.suspects(outcomes, "m.py", new) == blamed


def missing(module: str, line: int = 1, path: str = "m.py") -> Finding:
    """mypy's error for an import it cannot find, as `mypy -O json` words it."""
    message = f'Cannot find implementation or library stub for module named "{module}"'
    return Finding(code="mypy:import-not-found", path=path, line=line, column=1, message=message)


REGRESSED = [
    pytest.param(
        [missing("django.utils")],
        [missing("django.utils"), missing("django.utils.html", 2)],
        [],
        id="another module of a package the file already could not import",
    ),
    pytest.param(
        [missing("django.utils")],
        [missing("django.utils"), missing("flask", 2)],
        [("m.py", 2)],
        id="a package the file could import before: a new dependency",
    ),
    pytest.param(
        [missing("django.utils", path="other.py")],
        [missing("django.utils.html", 2)],
        [("m.py", 2)],
        id="missing in another file only",
    ),
    pytest.param(
        [missing("django.utils")],
        [missing("django.utils"), error(3)],
        [("m.py", 3)],
        id="other new errors still count",
    ),
]


@pytest.mark.parametrize(("before", "after", "regressed"), REGRESSED)
def test_new_type_errors(
    before: list[Finding], after: list[Finding], regressed: list[tuple[str, int]]
) -> None:
    found = regressions.new_type_errors(before, after, ["m.py"])
    assert [(f.path, f.line) for fs in found.values() for f in fs] == regressed
