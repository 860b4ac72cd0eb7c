"""What a fixing run teaches the pattern store: each codemod fix, each fix a person approved and
each approved model patch that was written, as a normalised before/after snippet; rolled back
when verification (or mypy) took it back. The analyzers' own edits are not kept: ruff makes them
again on its own, and they would drown the fixes a model can learn from."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from healers import snippets
from healers.finding import Outcome
from healers.state.patterns import Learned
from healers.verify import Check, Pass


def kind(outcome: Outcome, patched: Collection[str]) -> str:
    """model, approved or codemod; "" for a fix the store does not keep."""
    if outcome.fingerprint in patched:
        return "model"
    if outcome.gated:
        return "approved"
    return "" if outcome.rule.fix in ("analyzer", "none") else "codemod"


def from_pass(work: Pass, check: Check | None, patched: Collection[str]) -> list[Learned]:
    """The fixes a pass wrote, each with the lines it changed (rolled back: taken back by the
    verify command)."""
    taken = check.unfixed if check is not None else {}
    learned = []
    for path, plan in work.plans.items():
        base = work.bases[path].source.text
        keep = snippets.imported(base)
        for prints, spans in plan.groups:
            for fp in prints:
                o = work.outcomes.get(fp)
                what = kind(o, patched) if o is not None else ""
                if o is None or not what:
                    continue
                before, after = snippets.around(base, spans, o.finding.line)
                pair = snippets.normalize(before, after, keep)
                outcome = "rolled-back" if fp in taken else "kept"
                learned.append(
                    Learned(o.rule.id, o.finding.code, what, pair.before, pair.after, outcome, fp)
                )
    return learned


def settle(learned: Sequence[Learned], declined: Mapping[str, str]) -> list[Learned]:
    """At the end of the run: a fix declined after its pass (mypy reported a new error and the
    file went back) is rolled back too."""
    return [
        Learned(x.rule, x.code, x.kind, x.before, x.after, "rolled-back", x.fingerprint)
        if x.fingerprint in declined
        else x
        for x in learned
    ]
