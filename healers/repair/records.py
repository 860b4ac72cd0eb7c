"""What one `heal repair` round did: per failing test its attempts and the repair queued, and
the round's figures (suite runs, requests, time)."""

from __future__ import annotations

from dataclasses import dataclass, field

from healers.llm.client import Answer
from healers.repair.check import Verdict
from healers.repair.suite import Failure, Result
from healers.repair.writable import Writable
from healers.state import repairs


@dataclass
class Attempt:
    number: int
    reason: str  # "" when the patch held
    checks: tuple[str, ...] = ()


@dataclass
class Repair:
    """What happened to one failing test."""

    failure: Failure
    attempts: list[Attempt] = field(default_factory=list)
    verdict: Verdict | None = None  # the patch that held
    why: str = ""  # not repaired: why
    entry: repairs.Entry | None = None
    suite_runs: int = 0
    prompt_hash: str = ""


@dataclass
class Round:
    """One round's figures, for the report."""

    command: str
    baseline: Result
    writable: Writable
    repairs: list[Repair]
    model: str = ""  # "" when no model is configured
    requests: int = 0
    answers: list[Answer] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def suite_runs(self) -> int:
        return 1 + sum(r.suite_runs for r in self.repairs)
