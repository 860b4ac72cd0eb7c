"""The text report: findings grouped by priority, what was fixed, what is left; statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from healers.finding import PRIORITIES, ModelRun, Outcome, Proposal, Report
from healers.policy import GONE
from healers.report import LEFT, PRIORITY_TITLES, STATUS_WORDS

# what a report-only run's fixable count is (foresee.py), and what it cannot know
FORESEEN = (
    "(fixable: the fixes --fix plans now, reviewed and compiled but not yet written; a note "
    "above names any left unplanned (plan-fixes); --fix then analyzes what it wrote again and "
    "runs --verify-cmd, and takes back a fix that fails)"
)
STYLES = {"1": "bold", "31": "red", "32": "green", "33": "yellow", "35": "magenta"}


class Style:
    """Colours (rendered by rich, imported only when colour is on), or none."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        if not self.enabled:
            return text
        from rich.color import ColorSystem
        from rich.style import Style as Rich

        return Rich.parse(STYLES[code]).render(text, color_system=ColorSystem.STANDARD)


def to_text(
    report: Report, *, color: Style, fixing: bool, quiet: bool = False, show_fixes: bool = False
) -> str:
    """The findings by priority; then (unless `quiet`: the findings only) what was fixed, each
    fix with `show_fixes`, the notes and what is left."""
    out: list[str] = []
    shown = [o for o in report.outcomes if o.status != "fixed"]
    for priority in PRIORITIES:
        group = [o for o in shown if o.priority == priority]
        if not group:
            continue
        out.append(color(f"{priority} {PRIORITY_TITLES[priority]} ({len(group)})", "1"))
        for o in group:
            f = o.finding
            where = color(f"{f.path}:{f.line}:{f.column}", "1")
            what = color(f.code, "31" if priority in ("P0", "P1") else "33")
            out.append(f"  {where}: {what} [{o.rule.id}] {f.message.splitlines()[0]}")
            out.append(
                f"      {STATUS_WORDS[o.status]}: {o.reason}"
                if o.reason
                else f"      {STATUS_WORDS[o.status]}"
            )
        out.append("")
    if quiet:
        return "\n".join(out) + ("\n" if out else "")
    out += _fixed(report, color, show_fixes=show_fixes)
    if report.model is not None:
        out += [*model_lines(report.model), ""]
    for note in report.notes:
        out.append(color(f"note: {note}", "35"))
    n: Counter[str] = Counter(o.status for o in report.outcomes)
    left = sum(n[status] for status in LEFT)
    if not left:
        out.append(color("No findings left.", "32"))
        return "\n".join(out) + "\n"
    hint = "" if fixing else " (run with --fix)"
    out.append(
        f"{left} finding(s) left: {n['fixable']} fixable{hint}, {n['unsafe-fix']} with "
        f"--unsafe-fixes, {n['blocked']} blocked, {n['needs-approval']} awaiting approval, "
        f"{n['unfixable']} for a human."
    )
    if n["fixable"] and not fixing:
        out.append(FORESEEN)
    return "\n".join(out) + "\n"


def model_lines(run: ModelRun) -> list[str]:
    """--propose: what each finding asked about came to, and what the requests cost."""
    out = [
        f"Model proposals ({run.model}): {len(run.queued)} wait for a decision (`heal pending`), "
        f"{len(run.dropped)} dropped, {len(run.not_asked)} not asked"
    ]
    out += [f"  queued     {where}  [{fp}]: {checks}" for fp, where, checks in run.queued]
    out += [f"  dropped    {where}: {why.splitlines()[0]}" for _, where, why in run.dropped]
    out += [f"  not asked  {where}: {why}" for _, where, why in run.not_asked]
    tokens = run.prompt_tokens + run.completion_tokens
    cost = f", cost {run.cost:.4f} (as the provider reports it)" if run.cost is not None else ""
    asked = len(run.queued) + len(run.dropped)
    out.append(
        f"  {run.requests} request(s), {tokens} tokens ({run.prompt_tokens} prompt + "
        f"{run.completion_tokens} completion){cost}; {run.reused} of {asked} proposal(s) "
        "used a stored pattern"
    )
    return out


def _fixed(report: Report, color: Style, *, show_fixes: bool) -> list[str]:
    fixed = [o for o in report.outcomes if o.status == "fixed"]
    if not fixed:
        return []
    gone = sum(o.reason == GONE for o in fixed)
    side = f" ({gone} of them gone with the others' fixes)" if gone else ""
    out = [color(f"Fixed {len(fixed)} finding(s) in {len(report.changes)} file(s){side}:", "32")]
    counts = Counter(f"{o.finding.code} [{o.rule.id}]" for o in fixed)
    out += [f"  {n:4d}  {name}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1])]
    if show_fixes:
        for o in fixed:
            f = o.finding
            out.append(f"    {f.path}:{f.line}:{f.column}: {f.code} {f.message.splitlines()[0]}")
    if report.run_id and report.changes:
        out.append(f"  (run {report.run_id}: `heal log` shows it, `heal undo` takes it back)")
    return [*out, ""]


def statistics_rows(report: Report) -> list[dict[str, object]]:
    """One row per code, most frequent first: what --statistics shows (and its JSON)."""
    rows: dict[str, list[int]] = {}
    names: dict[str, Outcome] = {}
    for o in report.outcomes:
        row = rows.setdefault(o.finding.code, [0, 0])
        row[0] += 1
        row[1] += o.status in ("fixed", "fixable")
        names.setdefault(o.finding.code, o)
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return [
        {
            "code": code,
            "count": count,
            "fixable": fixable,
            "rule": names[code].rule.id,
            "category": names[code].category,
            "priority": names[code].priority,
        }
        for code, (count, fixable) in ordered
    ]


def statistics(report: Report) -> str:
    """One row per code: how many, how many fixed or fixable, the rule and category."""
    lines = [f"{'count':>5}  {'fixable':>7}  {'code':<24} {'rule':<36} category"]
    lines += [
        f"{r['count']:5d}  {r['fixable']:7d}  {r['code']:<24} {r['rule']:<36} {r['category']}"
        for r in statistics_rows(report)
    ]
    return "\n".join(lines) + "\n"


def blocked_message(outcomes: Sequence[Outcome], proposals: Mapping[str, Proposal]) -> str:
    """What to run when a run is blocked; heal never prompts (there is no terminal under
    pre-commit), it names the exact commands: `heal approve` only where a fix was planned."""
    blocked = [o for o in outcomes if o.status == "blocked"]
    if not blocked:
        return ""
    lines = [
        f"heal: blocked: {len(blocked)} finding(s) need a human decision (exit 3). "
        "See the proposed fixes with `heal pending`, then run one of:"
    ]
    for o in blocked:
        f = o.finding
        where = f"# {f.path}:{f.line} {f.code} {o.rule.id}"
        proposal = proposals.get(o.fingerprint)
        if proposal is None or not proposal.diff:
            why = (
                proposal.reason if proposal is not None and proposal.reason else "no automatic fix"
            )
            lines.append(f'  heal reject {o.fingerprint} --reason "..."   {where} ({why})')
        else:
            lines.append(f"  heal approve {o.fingerprint}   {where}")
    return "\n".join(lines) + "\n"
