"""Pull requests a maintainer merges: one per category on its own branch, updated in place, closed
when left unmerged, skipped after `heal:stop`; a draft for what needs a decision. Pure: the plan
comes from a heal JSON report and the repository's pull requests as `gh pr list --json` gives them,
the body from the report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

CATEGORIES = ("style", "import", "type", "performance", "security")  # one pull request each
DECISIONS = "decisions"  # the draft: logic fixes, approval-gated security, model proposals
STOP = "heal:stop"
PR_FIELDS = "number,headRefName,state,createdAt,closedAt,updatedAt,labels,title"


@dataclass(frozen=True)
class Step:
    """What the workflow does for one branch: open, update, close (with a comment) or skip."""

    category: str
    branch: str
    action: str  # open | update | close | skip | none
    reason: str
    number: int | None = None


def branch(category: str) -> str:
    return f"heal/{category}"


def _when(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _labels(pr: Mapping[str, Any]) -> set[str]:
    return {str(label.get("name", "")) for label in pr.get("labels", ()) if isinstance(label, dict)}


def needs_decision(finding: Mapping[str, Any]) -> bool:
    """A fix a person decides on: gated (security, demoted rules, model proposals) or logic."""
    status = finding["status"]
    return status == "needs-approval" or (
        finding["category"] == "logic" and status in ("fixable", "unsafe-fix")
    )


def wanted(report: Mapping[str, Any], category: str) -> int:
    """How many findings this branch would carry: the category's fixes (made, or to make), or
    for the draft, what waits for a decision."""
    findings = report.get("findings", ())
    if category == DECISIONS:
        return sum(needs_decision(f) for f in findings)
    return sum(f["status"] in ("fixed", "fixable") and f["category"] == category for f in findings)


def step(
    category: str,
    count: int,
    prs: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    close_after: timedelta,
) -> Step:
    """The plan for one category's branch, from its pull requests, newest first."""
    name = branch(category)
    mine = sorted(
        (p for p in prs if p.get("headRefName") == name),
        key=lambda p: str(p.get("createdAt", "")),
        reverse=True,
    )
    stopped = next((p for p in mine if STOP in _labels(p)), None)
    if stopped is not None:
        return Step(category, name, "skip", f"label {STOP} on #{stopped['number']}")
    live = next((p for p in mine if p.get("state") == "OPEN"), None)
    if live is not None:
        opened = _when(live.get("createdAt")) or now
        if now - opened >= close_after and category != DECISIONS:
            days = close_after.days
            why = f"unmerged for {days} days: closed, and {category} is skipped for {days} days"
            return Step(category, name, "close", why, live["number"])
        return Step(category, name, "update" if count else "close", "", live["number"])
    closed = next((p for p in mine if p.get("state") == "CLOSED"), None)
    if closed is not None:
        when = _when(closed.get("closedAt")) or now
        if now - when < close_after:
            return Step(category, name, "skip", f"#{closed['number']} closed unmerged {when:%F}")
    return Step(category, name, "open" if count else "none", "" if count else "nothing to fix")


def plan(
    report: Mapping[str, Any],
    prs: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    close_after_days: int = 14,
    every_days: int = 7,
    last_run: datetime | None = None,
) -> dict[str, Any]:
    """Every branch's step; `run` is false when the last successful run (`gh run list`) was less
    than `every_days` ago (one run a week by default), and then every step is a skip."""
    recent = last_run is not None and now - last_run < timedelta(days=every_days)
    close_after = timedelta(days=close_after_days)
    steps = [
        step(c, wanted(report, c), prs, now=now, close_after=close_after)
        for c in (*CATEGORIES, DECISIONS)
    ]
    if recent and last_run is not None:
        why = f"the last run was {last_run:%F}, within {every_days} days"
        steps = [Step(s.category, s.branch, "skip", why, s.number) for s in steps]
    return {
        "run": not recent,
        "steps": [
            {
                "category": s.category,
                "branch": s.branch,
                "action": s.action,
                "reason": s.reason,
                "number": s.number,
                "draft": s.category == DECISIONS,
            }
            for s in steps
        ],
    }
