"""GitHub workflow commands: one annotation per finding still left."""

from __future__ import annotations

from healers.finding import Report
from healers.report import LEFT, STATUS_WORDS


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
