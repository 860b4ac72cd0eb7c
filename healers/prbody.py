"""The body of a heal pull request, from the JSON report of the run that made it: every fix (file,
line, rule, why, the rule's doc), what was verified, what was rolled back and why, what waits for
a human, and the `heal:stop` line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from healers import catalogue
from healers.pullrequests import DECISIONS, STOP, needs_decision

RUFF_DOCS = "https://docs.astral.sh/ruff/rules/{}/"


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def doc_link(rule_id: str, code: str, docs_base: str) -> str:
    """The rule's page: heal's own (docs/rules/<category>/<id>.md in heal's source at the commit
    installed), or ruff's for the ruff rules heal has no file for."""
    rule = catalogue.load().rules.get(rule_id)
    if rule is not None and docs_base:
        return f"[`{rule_id}`]({docs_base}/docs/rules/{rule.category}/{rule_id}.md)"
    if rule is None and code.startswith("ruff:"):
        return f"[`{rule_id}`]({RUFF_DOCS.format(rule_id)})"
    return f"`{rule_id}`"


def why(rule_id: str, reason: str) -> str:
    rule = catalogue.load().rules.get(rule_id)
    text = rule.why.strip() if rule is not None and rule.why.strip() else reason
    first = text.split(". ")[0].rstrip(".")
    return cell(first + ".") if first else ""


def _fixes(findings: Sequence[Mapping[str, Any]], docs_base: str) -> list[str]:
    rows = ["| file | line | rule | code | why |", "|---|---|---|---|---|"]
    for f in findings:
        link = doc_link(f["rule"], f["code"], docs_base)
        rows.append(
            f"| `{f['path']}` | {f['line']} | {link} | `{f['code']}` | {why(f['rule'], f['fix'])} |"
        )
    return rows


def _verified(report: Mapping[str, Any], verify_cmd: str) -> list[str]:
    lines = [
        "- The analyzers (ruff, mypy, bandit and heal's own rules) ran again on every changed "
        "file: each fixed finding is gone and no new one appeared; every file still compiles."
    ]
    runs = int(report.get("verify_runs", 0))
    if verify_cmd:
        lines.append(f"- `{verify_cmd}` ran {runs} time(s) and passed with the fixes kept here.")
    else:
        lines.append("- No verify command is configured (`[tool.healers] verify-cmd`).")
    return lines


def _rolled_back(report: Mapping[str, Any]) -> list[str]:
    notes = [n for n in report.get("notes", ()) if "roll" in n or "taken back" in n]
    undone = [f for f in report.get("findings", ()) if "rolled back" in str(f.get("fix", ""))]
    lines = [f"- {cell(n)}" for n in notes]
    lines += [f"- `{f['path']}:{f['line']}` `{f['rule']}`: {cell(f['fix'])}" for f in undone]
    return lines or ["- Nothing: every fix kept passed verification."]


def _waiting(findings: Sequence[Mapping[str, Any]], *, commands: bool) -> list[str]:
    waiting = [f for f in findings if needs_decision(f)]
    if not waiting:
        return ["- Nothing waits for a decision."]
    lines = [
        f"{len(waiting)} finding(s) wait for a decision; `heal pending` shows each proposed fix."
    ]
    if commands:
        lines += ["", "```sh"]
        lines += [
            f"heal approve {f['fingerprint']}   # {f['path']}:{f['line']} {f['rule']}"
            for f in waiting
        ]
        lines += ["```", "", "`heal reject FINGERPRINT --reason ...` accepts a risk instead."]
    return lines


def body(
    report: Mapping[str, Any],
    category: str,
    *,
    verify_cmd: str = "",
    docs_base: str = "",
    close_after_days: int = 14,
) -> str:
    """The Markdown body of the pull request of `category` (or of the decisions draft)."""
    findings = list(report.get("findings", ()))
    if category == DECISIONS:
        parts = [
            "## heal: fixes that need a decision",
            "",
            "This draft lists what heal will not fix on its own: logic fixes, security fixes that "
            "need approval, model proposals. Automation never merges it.",
            "",
            *_waiting(findings, commands=True),
        ]
    else:
        fixed = [f for f in findings if f["status"] == "fixed" and f["category"] == category]
        parts = [
            f"## heal: {category} fixes",
            "",
            f"{len(fixed)} {category} fix(es), one kind of fix per pull request.",
            "",
            *_fixes(fixed, docs_base),
            "",
            "### Verified",
            *_verified(report, verify_cmd),
            "",
            "### Rolled back",
            *_rolled_back(report),
            "",
            "### Still waiting for a human",
            *_waiting(findings, commands=False),
        ]
    stop = (
        f"Add the label `{STOP}` to this pull request to have the next runs skip {category}; "
        f"one left unmerged for {close_after_days} days is closed and its category rests as long."
    )
    return "\n".join([*parts, "", "---", stop, ""])
