"""Stage 4, prioritize: each finding's status (fix now, unsafe, needs a human, report only) and
the order P0 -> P3. `needs_human` is the one approval policy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from healers.finding import Finding, Outcome, Rule, Status


def needs_human(rule: Rule, finding: Finding, *, high_gate: bool = True) -> bool:
    """True when a person must decide: the rule always asks, or the finding is of HIGH severity
    (bandit's). A project's policy may lower a rule's approval to `never`, but the HIGH gate stays
    unless it sets the logged `allow-unapproved-high` (high_gate=False)."""
    if rule.approval == "always":
        return True
    return high_gate and finding.severity == "high"


def status_for(
    rule: Rule, finding: Finding, *, unsafe_fixes: bool, high_gate: bool = True
) -> tuple[Status, str]:
    """What heal can do about a finding before trying, and a short reason a user can act on."""
    if needs_human(rule, finding, high_gate=high_gate):
        why = "this rule" if rule.approval == "always" else "HIGH severity"
        return "needs-approval", f"{why} needs a human decision before any change"
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
    return "fixable", how


def sort_key(outcome: Outcome) -> tuple[str, str, int, int, str]:
    f = outcome.finding
    return (outcome.priority, f.path, f.line, f.column, f.code)


def prioritize(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """P0 first, then by path and position: the order of the report and of the fixes."""
    return sorted(outcomes, key=sort_key)


def matches(outcome: Outcome, selectors: Sequence[str]) -> bool:
    """Does a `--select`/`--ignore` entry name this finding's category, rule, code or prefix?"""
    code = outcome.finding.code
    for selector in selectors:
        if selector in (outcome.category, outcome.rule.id, code):
            return True
        if ":" in selector and code.startswith(selector):
            return True
    return False
