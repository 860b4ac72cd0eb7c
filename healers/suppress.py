"""Suppression comments: `# heal: ignore[rule-id]`, a bare `# heal: ignore` or `# noqa` for
heal's own rules; and the other tools' suppressions, which heal's fixes never delete."""

from __future__ import annotations

import re

from healers.finding import Finding

_HEAL_IGNORE = re.compile(r"#\s*heal:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)
_BARE_NOQA = re.compile(r"#\s*noqa(?!\s*:)", re.IGNORECASE)
_UNKNOWN = re.compile(r"\bunknown: ")
NOQA_RULES = frozenset({"ruff:RUF100", "ruff:RUF102"})


def silenced(finding: Finding, rule_id: str, line: str) -> bool:
    """Does the finding's line silence it? `# heal: ignore[ids]` names rule ids or codes (any
    tool's finding); a bare `# heal: ignore` or `# noqa` silences heal's own rules."""
    if "#" not in line:
        return False
    for found in _HEAL_IGNORE.finditer(line):
        if found.group(1) is None:
            return finding.tool == "heal"
        names = {n.strip() for n in found.group(1).split(",")}
        if rule_id in names or finding.code in names or finding.name in names:
            return True
    return finding.tool == "heal" and bool(_BARE_NOQA.search(line))


def foreign_suppression(finding: Finding, *, ruff_configured: bool) -> str:
    """Why ruff's fix of a `# noqa` (RUF100 unused, RUF102 invalid code) must not be applied:
    it would delete a code ruff does not implement (flake8's B902), or the project does not run
    ruff, so its noqa codes are another tool's (click's flake8). "" when the fix may go."""
    if finding.code not in NOQA_RULES:
        return ""
    if finding.code == "ruff:RUF102" or _UNKNOWN.search(finding.message):
        return "the code is not ruff's: another tool's suppression, which heal keeps"
    if not ruff_configured:
        return "the project has no ruff configuration: its noqa comments are for another tool"
    return ""
