"""Stage 9, report: text grouped by priority, the JSON contract, GitHub annotations, diffs."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Sequence

from healers import __version__
from healers.engine import Report
from healers.finding import CATEGORIES, PRIORITIES, Outcome

LEFT = frozenset({"fixable", "unsafe-fix", "needs-approval", "unfixable"})
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
    "needs-approval": "blocked until a human decides",
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
        "blocked": statuses["needs-approval"],
        "by_category": {c: sum(o.category == c for o in outcomes) for c in CATEGORIES},
        "by_priority": {p: sum(o.priority == p for o in outcomes) for p in PRIORITIES},
    }


def to_json(report: Report) -> str:
    findings = [
        {
            "fingerprint": o.fingerprint,
            "rule": o.rule.id,
            "code": o.finding.code,
            "category": o.category,
            "priority": o.priority,
            "severity": o.finding.severity,
            "confidence": o.finding.confidence,
            "path": o.finding.path,
            "line": o.finding.line,
            "column": o.finding.column,
            "end_line": o.finding.end_line,
            "end_column": o.finding.end_column,
            "message": o.finding.message,
            "status": o.status,
            "fix": o.reason,
        }
        for o in report.outcomes
    ]
    payload = {
        "heal_version": __version__,
        "findings": findings,
        "summary": summary(report.outcomes),
        "changed_files": sorted(report.changes),
        "notes": report.notes,
        # the audit trail's run (for `heal undo`), and how often --verify-cmd ran
        "run": report.run_id if report.changes else None,
        "verify_runs": report.verify_runs,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _escape(value: str, *, prop: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def to_github(report: Report, *, prefix: str = "") -> str:
    """`::error file=…,line=…::…` workflow commands, one per finding still left; `prefix` is the
    project's folder in the repository (GitHub places annotations by repository path)."""
    levels = {"P0": "error", "P1": "error", "P2": "warning", "P3": "notice"}
    lines = []
    for o in report.outcomes:
        if o.status not in LEFT:
            continue
        f = o.finding
        props = {
            "file": prefix + f.path,
            "line": str(f.line),
            "col": str(f.column),
            "title": f"{f.code} {o.rule.id}",
        }
        if f.end_line:
            props["endLine"] = str(f.end_line)
        if f.end_line == f.line and f.end_column > f.column:  # columns only within one line
            props["endColumn"] = str(f.end_column)
        head = ",".join(f"{k}={_escape(v, prop=True)}" for k, v in props.items())
        body = _escape(
            f"{f.message} [{o.priority} {o.category}; {STATUS_WORDS[o.status]}]", prop=False
        )
        lines.append(f"::{levels[o.priority]} {head}::{body}")
    return "".join(line + "\n" for line in lines)


class Style:
    """ANSI colours, or none."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def to_text(report: Report, *, color: Style, fixing: bool) -> str:
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
    fixed = [o for o in report.outcomes if o.status == "fixed"]
    if fixed:
        out.append(color(f"Fixed {len(fixed)} finding(s) in {len(report.changes)} file(s):", "32"))
        counts = Counter(f"{o.finding.code} [{o.rule.id}]" for o in fixed)
        out += [f"  {n:4d}  {name}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1])]
        if report.run_id and report.changes:
            out.append(f"  (run {report.run_id}: `heal log` shows it, `heal undo` takes it back)")
        out.append("")
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
        f"--unsafe-fixes, {n['needs-approval']} blocked, {n['unfixable']} for a human."
    )
    return "\n".join(out) + "\n"


def statistics(report: Report) -> str:
    """One row per code: how many, how many fixed or fixable, the rule and category."""
    rows: dict[str, list[int]] = {}
    names: dict[str, Outcome] = {}
    for o in report.outcomes:
        row = rows.setdefault(o.finding.code, [0, 0])
        row[0] += 1
        row[1] += o.status in ("fixed", "fixable")
        names.setdefault(o.finding.code, o)
    lines = [f"{'count':>5}  {'fixable':>7}  {'code':<24} {'rule':<36} category"]
    for code, (count, fixable) in sorted(rows.items(), key=lambda kv: (-kv[1][0], kv[0])):
        o = names[code]
        lines.append(f"{count:5d}  {fixable:7d}  {code:<24} {o.rule.id:<36} {o.category}")
    return "\n".join(lines) + "\n"


def diff(report: Report) -> str:
    chunks: list[str] = []
    for path, (before, after) in sorted(report.changes.items()):
        chunks.extend(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                fromfile=f"a/{path}",
                tofile=f"b/{path}",
            )
        )
    return "".join(chunks)
