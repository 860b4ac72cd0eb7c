"""A codemod job's first look (stdlib only, in heal's own process): the findings it refuses never
reach a worker, and a job it settles whole starts none; what the run reports is what the worker
alone would have said, finding by finding."""

from __future__ import annotations

from typing import Any

import pytest

from healers import apply, catalogue, first_look, results
from healers.finding import Finding, Outcome
from healers.results import Fixed, Unchanged
from healers.tools import jobs, worker

MIXED = """\
from __future__ import annotations

from pkg.a import A
from pkg.b import B


def f(b: B) -> A:
    return A()
"""
RUNTIME_ONLY = "from pkg.a import A\n\nx = A()\n"


def _outcomes(*lines: int) -> list[Outcome]:
    rules = catalogue.load()
    found = [
        Finding(code="heal:import-cycle", path="m.py", line=n, column=1, message="cycle")
        for n in lines
    ]
    return [Outcome(f, rules.rule_for(f), f"fp{f.line}", "fixable") for f in found]


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many jobs each worker started by the run was sent (the real worker still runs)."""
    started: list[int] = []
    real = jobs._run_worker

    def counted(batch: Any, **kw: Any) -> Any:
        started.append(len(batch))
        return real(batch, **kw)

    monkeypatch.setattr(jobs, "_run_worker", counted)
    return started


def _alone(text: str, outcomes: list[Outcome]) -> Any:
    """The worker's own answer for every finding, without the first look in heal's process."""
    job = worker.encode_job("MoveImportUnderTypeChecking", text, [o.finding for o in outcomes])
    return results.decode(worker.run_job(job))


def test_a_refused_finding_is_not_sent_and_reads_as_the_worker_says(workers: list[int]) -> None:
    outcomes = _outcomes(3, 4)  # A is called at runtime; B is only a (lazy) annotation
    (result,) = apply.run_codemods([("MoveImportUnderTypeChecking", MIXED, outcomes)], timeout=60)
    assert isinstance(result, Fixed)
    assert result == _alone(MIXED, outcomes)
    assert result.fixed == (1,)
    assert result.skipped == ((0, "names used at runtime: A (line 8)"),)
    assert "if TYPE_CHECKING:\n    from pkg.b import B" in result.text
    assert workers == [1]  # one worker, sent one job


def test_a_job_the_look_settles_starts_no_worker(workers: list[int]) -> None:
    outcomes = _outcomes(1)
    (result,) = apply.run_codemods(
        [("MoveImportUnderTypeChecking", RUNTIME_ONLY, outcomes)], timeout=60
    )
    assert result == Unchanged(((0, "names used at runtime: A (line 3)"),))
    assert result == _alone(RUNTIME_ONLY, outcomes)
    assert workers == []


def test_a_codemod_without_a_look_gets_every_finding() -> None:
    found = _outcomes(1)[0].finding
    looked = first_look.look("AddStdlibImport", RUNTIME_ONLY, [found])
    assert looked.refused == {} and looked.found == [found]
