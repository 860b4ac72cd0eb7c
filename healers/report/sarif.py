"""SARIF 2.1.0 for GitHub code scanning: one rule per catalogue rule seen, one result per finding
left, repo-relative URIs, heal's fingerprint, and the analyzer's edit as a SARIF fix."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from healers import __version__, docs
from healers.finding import Edit, Outcome, Priority, Report, Rule

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "healFingerprint/v1"
MAX_RESULTS = 25_000  # GitHub keeps at most this many results per run
LEVELS: dict[Priority, str] = {"P0": "error", "P1": "error", "P2": "warning", "P3": "note"}
# GitHub's bands: >9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low. bandit's severity picks the
# band; a security finding without one (ruff's S rules) is taken as medium.
SECURITY_SEVERITY = {"high": "8.0", "medium": "5.5", "low": "2.0"}
REPORTED = frozenset({"fixable", "unsafe-fix", "blocked", "needs-approval", "unfixable"})


def _text(rule: Rule) -> tuple[str, str]:
    """A rule's help as plain text and as Markdown, from the catalogue (as docs/ renders it)."""
    why = rule.why.strip() or f"Reported by {rule.codes[0].partition(':')[0]}."
    safety = " ".join(line for line in docs.fix_safety(rule) if line)
    codes = ", ".join(rule.codes)
    text = f"{rule.summary.strip()}\n\n{why}\n\nFix safety: {safety}\n\nCodes: {codes}"
    markdown = (
        f"{rule.summary.strip()}\n\n## Why is this bad?\n\n{why}\n\n## Fix safety\n\n{safety}"
        f"\n\nCodes: {docs.codes(rule)} · category {rule.category} · priority {rule.priority}"
    )
    return text, markdown


def _full_description(rule: Rule) -> str:
    if rule.why.strip():
        return " ".join(rule.why.split())
    return f"{rule.summary.strip()} ({', '.join(rule.codes)})"


def _help_uri(rule: Rule) -> str | None:
    """ruff documents every rule at a URL made of its name; other tools have no such scheme."""
    if rule.source.startswith("prefixes.toml [ruff]"):
        return f"https://docs.astral.sh/ruff/rules/{rule.id}/"
    return None


def _rule(rule: Rule, outcomes: list[Outcome]) -> dict[str, Any]:
    # a fallback rule is named after the analyzer's test, which several codes can share (bandit's
    # "blacklist"): the SARIF rule lists every code its results carry
    codes = dict.fromkeys([*rule.codes, *sorted(o.finding.code for o in outcomes)])
    rule = replace(rule, codes=tuple(codes))
    text, markdown = _text(rule)
    tools = sorted({o.finding.tool for o in outcomes})
    # GitHub shows security-severity only on rules tagged "security" (the category's own name)
    properties: dict[str, Any] = {"tags": [rule.category, rule.priority, *tools]}
    if rule.category == "security":
        severities = [o.finding.severity for o in outcomes]
        worst = next((s for s in ("high", "medium", "low") if s in severities), "medium")
        properties["security-severity"] = SECURITY_SEVERITY[worst]
        confidences = {o.finding.confidence for o in outcomes} & {"high", "medium", "low"}
        if len(confidences) == 1:
            properties["precision"] = confidences.pop()
    entry: dict[str, Any] = {
        "id": rule.id,
        "shortDescription": {"text": rule.summary.strip().splitlines()[0]},
        "fullDescription": {"text": _full_description(rule)},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.priority]},
        "properties": properties,
    }
    uri = _help_uri(rule)
    if uri:
        entry["helpUri"] = uri
    return entry


def _uri(prefix: str, path: str) -> str:
    return quote(f"{prefix}{path}", safe="/")


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    """A region as SARIF wants it: 1-based, end column exclusive, never ending before it starts."""
    region = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    end_line = max(end_line, region["startLine"])
    region["endLine"] = end_line
    if end_column and (end_line > region["startLine"] or end_column > region["startColumn"]):
        region["endColumn"] = end_column
    elif end_line == region["startLine"]:
        region["endColumn"] = region["startColumn"] + 1  # an empty range: mark one character
    return region


def _replacement(edit: Edit) -> dict[str, Any]:
    deleted = {
        "startLine": edit.line,
        "startColumn": edit.column,
        "endLine": edit.end_line,
        "endColumn": edit.end_column,
    }
    return {"deletedRegion": deleted, "insertedContent": {"text": edit.content}}


def _fixes(outcome: Outcome, uri: str) -> list[dict[str, Any]]:
    """The analyzer's own edit, when heal would apply it (with or without --unsafe-fixes).
    Codemod fixes are computed only while fixing, so a report does not carry them."""
    fix = outcome.finding.fix
    if outcome.status not in ("fixable", "unsafe-fix") or outcome.rule.fix != "analyzer":
        return []
    if fix is None or not fix.edits:
        return []
    change = {
        "artifactLocation": {"uri": uri},
        "replacements": [_replacement(e) for e in fix.edits],
    }
    description = fix.message or outcome.reason
    if outcome.status == "unsafe-fix":
        description += " (unsafe: may change behaviour; heal applies it only with --unsafe-fixes)"
    return [{"description": {"text": description}, "artifactChanges": [change]}]


def _result(outcome: Outcome, rule_index: int, prefix: str) -> dict[str, Any]:
    f = outcome.finding
    uri = _uri(prefix, f.path)
    result: dict[str, Any] = {
        "ruleId": outcome.rule.id,
        "ruleIndex": rule_index,
        "level": LEVELS[outcome.priority],
        "message": {"text": f"{f.code}: {f.message}\n{outcome.status}: {outcome.reason}".strip()},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": _region(f.line, f.column, f.end_line, f.end_column),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: outcome.fingerprint},
        "properties": {
            "code": f.code,
            "category": outcome.category,
            "priority": outcome.priority,
            "status": outcome.status,
        },
    }
    fixes = _fixes(outcome, uri)
    if fixes:
        result["fixes"] = fixes
    return result


def to_sarif(report: Report, *, prefix: str = "") -> str:
    """The report as one SARIF run. `prefix` is the project's folder inside the repository
    (`""` or `sub/dir/`), so URIs are relative to the repository root, as GitHub needs."""
    left = [o for o in report.outcomes if o.status in REPORTED][:MAX_RESULTS]
    seen: dict[str, tuple[Rule, list[Outcome]]] = {}
    for outcome in left:
        seen.setdefault(outcome.rule.id, (outcome.rule, []))[1].append(outcome)
    index = {rule_id: i for i, rule_id in enumerate(seen)}
    notifications = [{"level": "warning", "message": {"text": note}} for note in report.notes]
    omitted = sum(o.status in REPORTED for o in report.outcomes) - len(left)
    if omitted:
        text = f"{omitted} lower-priority results left out (GitHub keeps {MAX_RESULTS} per run)"
        notifications.append({"level": "warning", "message": {"text": text}})
    run = {
        "tool": {
            "driver": {
                "name": "heal",
                "semanticVersion": __version__,
                "rules": [_rule(rule, outs) for rule, outs in seen.values()],
            }
        },
        "columnKind": "unicodeCodePoints",  # heal's columns count characters, as ruff's do
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": [_result(o, index[o.rule.id], prefix) for o in left],
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
