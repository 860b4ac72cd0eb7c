"""Stages 3 and 4, classify and prioritize: each finding joined with its rule and fingerprinted,
its status decided by the policy, `--select`/`--ignore` applied, and the order P0 -> P3."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from healers import catalogue, fingerprint, ignores, policy, source, suppress
from healers.finding import FileState, Finding, Outcome


def classify(
    findings: Sequence[Finding],
    states: Mapping[str, FileState],
    ctx: policy.Context,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    dropped: list[Outcome] | None = None,
    per_file: ignores.PerFile = (),
    extend_select: Sequence[str] = (),
) -> list[Outcome]:
    """Join each finding with its rule, fingerprint it, let the policy decide its status. The
    HIGH-severity security findings `--select`/`--ignore` leave out are added to `dropped`: they
    neither show nor block, and the run warns about them."""
    cat = catalogue.load()
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_path[finding.path].append(finding)
    outcomes = []
    for path, found in by_path.items():
        state = states.get(path)
        text, scopes = (state.source.text, state.scopes) if state is not None else ("", ())
        prints = fingerprint.fingerprints(found, text, scopes)
        lines = source.lines(text)
        for finding, print_ in zip(found, prints, strict=True):
            rule = cat.rule_for(finding)
            line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
            if suppress.silenced(finding, rule.id, line):
                continue
            outcome = policy.decide(finding, rule, print_, ctx)
            if not wanted(outcome, select, ignore, per_file, extend_select):
                if dropped is not None and high_security(outcome):
                    dropped.append(outcome)
                continue
            outcomes.append(outcome)
    return prioritize(dedupe(outcomes))


def wanted(
    outcome: Outcome,
    select: Sequence[str],
    ignore: Sequence[str],
    per_file: ignores.PerFile,
    extend_select: Sequence[str],
) -> bool:
    """Is the finding reported? `--select` (with `extend-select`) chooses, `--ignore` and the
    per-file ignores leave out; heal's default per-file ignores give way to `extend-select`."""
    extended = bool(extend_select) and matches(outcome, extend_select)
    if select and not (matches(outcome, select) or extended):
        return False
    if ignore and matches(outcome, ignore):
        return False
    left_out = ignores.selectors_for(outcome.finding.path, per_file, defaults=False)
    if left_out and matches(outcome, left_out):
        return False
    defaults = ignores.selectors_for(outcome.finding.path, ())
    return extended or not matches(outcome, defaults)


def dropped_warning(dropped: Sequence[Outcome]) -> tuple[str, ...]:
    """A warning on every run whose --select/--ignore leave out HIGH-severity security findings
    (as allow-unapproved-high gets one): they would neither show nor block."""
    if not dropped:
        return ()
    shown = ", ".join(f"{o.finding.code} at {o.finding.path}:{o.finding.line}" for o in dropped[:3])
    more = f" and {len(dropped) - 3} more" if len(dropped) > 3 else ""
    count = len(dropped)
    return (
        f"select/ignore leave out {count} HIGH-severity security finding(s) ({shown}{more}): "
        "they are not reported and do not block",
    )


def high_security(outcome: Outcome) -> bool:
    return outcome.category == "security" and outcome.finding.severity == "high"


def matches(outcome: Outcome, selectors: Sequence[str]) -> bool:
    """Does a `--select`/`--ignore` entry name this finding's category, rule, code or prefix?"""
    code = outcome.finding.code
    for selector in selectors:
        if selector in (outcome.category, outcome.rule.id, code):
            return True
        if ":" in selector and code.startswith(selector):
            return True
        if code.startswith(selector + ":"):  # a tool's name: `--ignore mypy`
            return True
    return False


def sort_key(outcome: Outcome) -> tuple[str, str, int, int, str]:
    f = outcome.finding
    return (outcome.priority, f.path, f.line, f.column, f.code)


def prioritize(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """P0 first, then by path and position: the order of the report and of the fixes."""
    return sorted(outcomes, key=sort_key)


def dedupe(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """One finding per rule and line: where ruff reports a pattern heal's own rule also finds
    (B006, F631, PLW0127, ...: the rule files map both codes), heal's finding stays."""
    ours = {
        (o.rule.id, o.finding.path, o.finding.line) for o in outcomes if o.finding.tool == "heal"
    }
    return [
        o
        for o in outcomes
        if o.finding.tool == "heal" or (o.rule.id, o.finding.path, o.finding.line) not in ours
    ]
