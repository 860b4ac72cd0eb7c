"""Stage 9, report: text grouped by priority (text.py), the JSON contract (json.py), GitHub
annotations (github.py), SARIF (sarif.py), diffs (diff.py). The words shared by all of them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from healers.finding import CATEGORIES, PRIORITIES, Outcome

LEFT = frozenset({"fixable", "unsafe-fix", "blocked", "needs-approval", "unfixable"})
PRIORITY_TITLES = {
    "P0": "security",
    "P1": "type and logic",
    "P2": "import and performance",
    "P3": "style",
}
STATUS_WORDS = {
    "fixed": "fixed",
    "fixable": "fixable with --fix",
    "unsafe-fix": "fixable with --fix --unsafe-fixes",
    "blocked": "blocked until a human decides",
    "needs-approval": "a proposed fix waits for a decision (heal pending)",
    "accepted-risk": "accepted risk",
    "baseline": "in the baseline",
    "unfixable": "not fixable automatically",
}


def summary(outcomes: Sequence[Outcome]) -> dict[str, object]:
    statuses: Counter[str] = Counter(o.status for o in outcomes)
    return {
        "found": len(outcomes),
        "fixed": statuses["fixed"],
        "remaining": sum(statuses[s] for s in LEFT),
        "fixable": statuses["fixable"],
        "unsafe_fixable": statuses["unsafe-fix"],
        "blocked": statuses["blocked"],
        "needs_approval": statuses["needs-approval"],
        "baseline_high": sum(
            o.status == "baseline" and o.finding.severity == "high" for o in outcomes
        ),
        "by_category": {c: sum(o.category == c for o in outcomes) for c in CATEGORIES},
        "by_priority": {p: sum(o.priority == p for o in outcomes) for p in PRIORITIES},
    }
