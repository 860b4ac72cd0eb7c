"""The approval gate: the fix proposed for each gated finding, and what a recorded human decision
makes of it (approved -> fixable, rejected -> accepted-risk, void -> asked again)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from healers import apply
from healers.codemod import Fixed, Skipped
from healers.finding import Approval, Outcome, Rule
from healers.state import approvals
from healers.state.approvals import Decision

GATED = frozenset({"needs-approval", "accepted-risk"})


@dataclass(frozen=True)
class Proposal:
    """The fix heal would write for one gated finding, computed but never written by the gate."""

    fingerprint: str
    diff: str  # unified diff of that one fix; "" when there is no automatic fix
    reason: str = ""  # why there is no diff


def with_policy(rule: Rule, policy: Mapping[str, Approval]) -> Rule:
    """A project's `[tool.healers] approval` raises or lowers a rule's approval level. It cannot
    lift the HIGH gate: prioritize.needs_human keeps that unless `allow-unapproved-high`."""
    level = policy.get(rule.id)
    return rule if level is None or level == rule.approval else replace(rule, approval=level)


def unified(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def propose(
    outcomes: Sequence[Outcome], texts: Mapping[str, str], *, timeout: float
) -> dict[str, Proposal]:
    """Compute each outcome's fix alone (one codemod job per finding, in the worker, the same
    codemods --fix runs), so every proposal is exactly the change `heal approve` would make."""
    proposals: dict[str, Proposal] = {}
    jobs: list[tuple[str, str, Sequence[Outcome]]] = []
    for o in outcomes:
        if o.finding.path not in texts:
            proposals[o.fingerprint] = Proposal(o.fingerprint, "", "the file could not be read")
        elif o.rule.fix in ("none", "analyzer"):
            why = "no automatic fix for this rule"
            proposals[o.fingerprint] = Proposal(o.fingerprint, "", why)
        else:
            jobs.append((o.rule.fix, texts[o.finding.path], [o]))
    results = apply.run_codemods(jobs, timeout=timeout) if jobs else []
    for (_, text, (o,)), result in zip(jobs, results, strict=True):
        fp, path = o.fingerprint, o.finding.path
        if isinstance(result, Skipped):
            proposals[fp] = Proposal(fp, "", result.reason)
            continue
        if not isinstance(result, Fixed) or result.text == text:
            skipped = dict(result.skipped)
            proposals[fp] = Proposal(fp, "", skipped.get(0, "the codemod made no change"))
            continue
        try:
            compile(result.text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            proposals[fp] = Proposal(fp, "", f"the fix would not compile: {exc}")
            continue
        proposals[fp] = Proposal(fp, unified(path, text, result.text))
    return proposals


def _who(d: Decision) -> str:
    return f"{d.who} on {d.when[:10]}"


def resolve(
    outcomes: Sequence[Outcome],
    texts: Mapping[str, str],
    decisions: Mapping[str, Decision],
    *,
    timeout: float,
) -> list[Outcome]:
    """Apply the recorded decisions to the gated outcomes. A decision counts only while the
    flagged code and the proposed fix are the ones the person saw."""
    decided = [o for o in outcomes if o.status in GATED and o.fingerprint in decisions]
    if not decided:
        return list(outcomes)
    proposals = propose(decided, texts, timeout=timeout)
    out = []
    for o in outcomes:
        d = decisions.get(o.fingerprint)
        if o.status not in GATED or d is None:
            out.append(o)
            continue
        proposal = proposals[o.fingerprint]
        text = texts.get(o.finding.path, "")
        void = approvals.why_void(d, o.finding, text, proposal.diff)
        if void:
            why = f"{o.reason}; the {d.decision} by {_who(d)} is void: {void}"
            out.append(replace(o, status="needs-approval", reason=why))
        elif d.decision == "reject":
            out.append(replace(o, status="accepted-risk", reason=f"by {_who(d)}: {d.reason}"))
        else:
            out.append(replace(o, status="fixable", reason=f"approved by {_who(d)}"))
    return out


def blocked_message(outcomes: Sequence[Outcome]) -> str:
    """What to run when a run is blocked; heal never prompts (there is no terminal under
    pre-commit), it names the exact commands."""
    blocked = [o for o in outcomes if o.status == "needs-approval"]
    if not blocked:
        return ""
    lines = [
        f"heal: blocked: {len(blocked)} finding(s) need a human decision (exit 3). "
        "See the proposed fixes with `heal pending`, then run one of:"
    ]
    for o in blocked:
        f = o.finding
        where = f"# {f.path}:{f.line} {f.code} {o.rule.id}"
        if o.rule.fix in ("none", "analyzer"):
            lines.append(
                f'  heal reject {o.fingerprint} --reason "..."   {where} (no automatic fix)'
            )
        else:
            lines.append(f"  heal approve {o.fingerprint}   {where}")
    return "\n".join(lines) + "\n"
