"""The one place a finding's status is decided: before any fix (baseline, demotion, approval,
safety, fixability), against the human decisions on record, and from what the apply and verify
stages report (applied, declined, rolled back). No other module writes a status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, cast, get_args

from healers import suppress
from healers.finding import Approval, Finding, Outcome, Proposal, Rule, Status
from healers.state import approvals
from healers.state.approvals import Decision

if TYPE_CHECKING:  # options imports the project, the config, the session: not needed at run time
    from healers.options import Options

GATED = frozenset({"blocked", "needs-approval", "accepted-risk"})
WAITING = frozenset({"blocked", "needs-approval"})  # a person must decide; blocked: exit 3
BASELINE_REASON = "recorded by `heal baseline`; does not fail the run"
GONE = "gone after the other fixes"  # fixed, though not by a fix of its own
# ruff's unsafe fixes that change which method compares: `not (a == b)` -> `a != b` calls
# __ne__ where the code called __eq__ (SIM202 the other way). A class may define the two apart
# (toolz's tests do): applied under --unsafe-fixes only when --verify-cmd runs the tests after.
METHOD_SWAPS = frozenset({"ruff:SIM201", "ruff:SIM202"})


@dataclass(frozen=True)
class Context:
    """What the policy weighs besides the finding and its rule."""

    unsafe_fixes: bool = False
    high_gate: bool = True  # False only with the logged `allow-unapproved-high`
    baseline: frozenset[str] = frozenset()  # fingerprints reported as `baseline`
    demoted: Mapping[str, str] = field(default_factory=dict)  # rule id -> why it needs approval
    approval: Mapping[str, Approval] = field(default_factory=dict)  # [tool.healers] approval
    ruff_configured: bool = False  # the project configures ruff: its noqa codes are ruff's
    verified: bool = False  # a verify command runs after each fix pass (--verify-cmd)


def context(opts: Options, *, ruff_configured: bool) -> Context:
    """The run's policy context, from its options."""
    return Context(
        unsafe_fixes=opts.unsafe_fixes,
        high_gate=not opts.allow_unapproved_high,
        baseline=opts.baseline,
        demoted=opts.demoted,
        approval=opts.approval,
        ruff_configured=ruff_configured,
        verified=bool(opts.verify_cmd),
    )


def with_policy(rule: Rule, approval: Mapping[str, Approval]) -> Rule:
    """A project's `[tool.healers] approval` raises or lowers a rule's approval level. It cannot
    lift the HIGH gate: `needs_human` keeps that unless `allow-unapproved-high`."""
    level = approval.get(rule.id)
    return rule if level is None or level == rule.approval else replace(rule, approval=level)


def needs_human(rule: Rule, finding: Finding, *, high_gate: bool = True) -> bool:
    """True when a person must decide: the rule always asks, or the finding is of HIGH severity
    (bandit's). A project's policy may lower a rule's approval to `never`, but the HIGH gate stays
    unless it sets the logged `allow-unapproved-high` (high_gate=False)."""
    if rule.approval in ("always", "block"):
        return True
    return high_gate and finding.severity == "high"


def blocks(rule: Rule, finding: Finding, *, high_gate: bool = True) -> bool:
    """True when, undecided, the finding stops the commit (exit 3): a HIGH-severity finding
    under the gate, or a rule the project marked `approval = "block"`. Other findings that need
    a decision wait in `heal pending` as proposals and count as ordinary findings."""
    return rule.approval == "block" or (high_gate and finding.severity == "high")


def fixability(
    rule: Rule,
    finding: Finding,
    *,
    unsafe_fixes: bool,
    high_gate: bool = True,
    verified: bool = False,
) -> tuple[Status, str]:
    """What heal can do about a finding before trying, and a short reason a user can act on."""
    if blocks(rule, finding, high_gate=high_gate):
        why = "this rule" if rule.approval == "block" else "HIGH severity"
        return "blocked", f"{why} needs a human decision before any change (exit 3)"
    if needs_human(rule, finding, high_gate=high_gate):
        return "needs-approval", "this rule's fix is a proposal: `heal pending` shows it"
    if rule.fix == "none":
        return "unfixable", "no automatic fix" + (f"; {finding.hint}" if finding.hint else "")
    unsafe = rule.safety == "unsafe"
    how = f"codemod {rule.fix}"
    if rule.fix == "analyzer":
        fix = finding.fix
        if fix is None or fix.applicability == "display-only" or not fix.edits:
            return "unfixable", f"{finding.tool} offers no automatic fix"
        unsafe = unsafe or fix.applicability == "unsafe"
        how = f"{finding.tool}: {fix.message or 'apply the suggested edit'}"
    if unsafe and not unsafe_fixes:
        return "unsafe-fix", f"{how} (may change behaviour: needs --unsafe-fixes)"
    if unsafe and finding.code in METHOD_SWAPS and rule.fix == "analyzer" and not verified:
        return "unsafe-fix", (
            f"{how} (calls __ne__ where the code called __eq__, or back: a class may define "
            "them apart; applied with --unsafe-fixes only when --verify-cmd runs the tests)"
        )
    return "fixable", how


def decide(finding: Finding, rule: Rule, fingerprint: str, ctx: Context) -> Outcome:
    """A finding's status before any fix: the baseline first, then a demoted rule's need for
    approval, then what its rule and severity allow."""
    rule = with_policy(rule, ctx.approval)
    status, reason = fixability(
        rule,
        finding,
        unsafe_fixes=ctx.unsafe_fixes,
        high_gate=ctx.high_gate,
        verified=ctx.verified,
    )
    foreign = suppress.foreign_suppression(finding, ruff_configured=ctx.ruff_configured)
    if foreign and status in ("fixable", "unsafe-fix"):
        status, reason = "unfixable", foreign
    if fingerprint in ctx.baseline:
        status, reason = "baseline", BASELINE_REASON
    elif rule.id in ctx.demoted and status in ("fixable", "unsafe-fix"):
        status, reason = "needs-approval", ctx.demoted[rule.id]
    return Outcome(finding, rule, fingerprint, status, reason, gated=status in WAITING)


def decided(outcomes: Sequence[Outcome], decisions: Mapping[str, Decision]) -> list[Outcome]:
    """The gated outcomes a human has decided on: their proposals must be checked."""
    return [o for o in outcomes if o.status in GATED and o.fingerprint in decisions]


def _who(d: Decision) -> str:
    return f"{d.who} on {d.when[:10]}"


def resolve(
    outcomes: Sequence[Outcome],
    texts: Mapping[str, str],
    decisions: Mapping[str, Decision],
    proposals: Mapping[str, Proposal],
) -> list[Outcome]:
    """Apply the recorded decisions to the gated outcomes (approved -> fixable, rejected ->
    accepted-risk). A decision counts only while the flagged code and the proposed fix are the
    ones the person saw; otherwise it is void and the finding is asked again."""
    out = []
    for o in outcomes:
        d = decisions.get(o.fingerprint)
        if o.status not in GATED or d is None:
            out.append(o)
            continue
        text = texts.get(o.finding.path, "")
        void = approvals.why_void(d, o.finding, text, proposals[o.fingerprint].diff)
        if void:
            why = f"{o.reason}; the {d.decision} by {_who(d)} is void: {void}"
            out.append(replace(o, reason=why))
        elif d.decision == "reject":
            out.append(replace(o, status="accepted-risk", reason=f"by {_who(d)}: {d.reason}"))
        else:
            out.append(replace(o, status="fixable", reason=f"approved by {_who(d)}"))
    return out


def declined(outcomes: Sequence[Outcome], reasons: Mapping[str, str]) -> list[Outcome]:
    """Fixable outcomes whose fix was not applied after all (the codemod declined, the file did
    not compile or could not be written, verification rolled the fix back) -> unfixable, why."""
    return [
        replace(o, status="unfixable", reason=reasons[o.fingerprint])
        if o.fingerprint in reasons and o.status == "fixable"
        else o
        for o in outcomes
    ]


def fixed(
    initial: Sequence[Outcome], final: Sequence[Outcome], applied: Collection[str] = ()
) -> list[Outcome]:
    """Initial findings that are gone after the fixes: no longer reported, matched by fingerprint,
    then by how many of the same code remain in the file (an edited line changes fingerprints,
    and so does fixing one of identical twins). Where the count decides, the findings whose
    fixes were `applied` (written and kept) are the ones gone. A finding can also go from a file
    heal did not touch: an import cycle broken in another module."""
    final_prints = {o.fingerprint for o in final}
    left = Counter((o.finding.path, o.finding.code) for o in final)
    for outcome in initial:
        if outcome.fingerprint in final_prints:
            left[(outcome.finding.path, outcome.finding.code)] -= 1
    missing = [o for o in initial if o.fingerprint not in final_prints]
    missing.sort(key=lambda o: o.fingerprint in applied)  # stable: the others stay in order
    gone = []
    for outcome in missing:
        key = (outcome.finding.path, outcome.finding.code)
        if left[key] > 0:
            left[key] -= 1  # still there, perhaps moved: the final list reports it
            continue
        reason = outcome.reason if outcome.status == "fixable" else GONE
        gone.append(replace(outcome, status="fixed", reason=reason))
    return gone


def proposed(outcomes: Sequence[Outcome], waiting: Mapping[str, str]) -> list[Outcome]:
    """Findings with a model-proposed fix in the queue (fingerprint -> how to decide): still
    `unfixable` (the patch is not heal's until a person approves it), with the way on."""
    return [
        replace(o, reason=f"{o.reason}; a model-proposed fix waits: {waiting[o.fingerprint]}")
        if o.fingerprint in waiting and o.status == "unfixable"
        else o
        for o in outcomes
    ]


def recorded(finding: Finding, rule: Rule, fingerprint: str, status: str, reason: str) -> Outcome:
    """An outcome another run decided, as its report recorded it (a shard's, for `heal merge`)."""
    if status not in get_args(Status):
        raise ValueError(f"not a status: {status!r}")
    return Outcome(finding, rule, fingerprint, cast(Status, status), reason=reason)


def blocked(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The outcomes that stop the run (exit 3) until a person decides."""
    return [o for o in outcomes if o.status == "blocked"]


def baseline_high(outcomes: Sequence[Outcome]) -> list[str]:
    """The note every report carries while the baseline holds HIGH-severity findings."""
    old = sum(o.status == "baseline" and o.finding.severity == "high" for o in outcomes)
    if not old:
        return []
    return [
        f"the baseline holds {old} HIGH-severity finding(s): they do not block "
        "(`heal baseline` recorded them); fix them or record a decision"
    ]
