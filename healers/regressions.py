"""Stage 6, type regressions: after a fix pass mypy must not report more of any code in a file."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from healers import catalogue, classify, policy, project, write
from healers.finding import FileState, Finding, Outcome
from healers.options import Options

# Codes that appear because a fix worked: an ignore or a cast that covered the fixed error is now
# unused. They are not regressions, and heal fixes them in the next pass.
CONSEQUENCES = frozenset({"mypy:unused-ignore", "mypy:redundant-cast"})


# mypy's codes for an import it cannot follow: the package is not installed (or has no stubs)
MISSING_MODULE = frozenset({"mypy:import-not-found", "mypy:import-untyped", "mypy:import"})
_MODULE_NAMED = re.compile(r'"([A-Za-z_][\w.]*)"')


def missing_package(finding: Finding) -> str | None:
    """The top-level package a missing-module error names (`django` for "django.utils.html")."""
    if finding.code not in MISSING_MODULE:
        return None
    named = _MODULE_NAMED.search(finding.message)
    return named.group(1).partition(".")[0] if named else None


def _missing_before(before: Sequence[Finding]) -> set[tuple[str, str]]:
    """(path, package) for each package a file's imports already could not find."""
    return {(f.path, p) for f in before if (p := missing_package(f)) is not None}


def new_type_errors(
    before: Sequence[Finding], after: Sequence[Finding], paths: Sequence[str]
) -> dict[str, list[Finding]]:
    """path -> the mypy findings of a code the file now has more of than before the pass. A
    fix that imports another module of a package the file already could not import (`from
    django.utils.html import format_html` beside `from django.utils import safestring`, with
    Django not installed where heal runs) brings no regression: the same package is missing."""
    wanted = set(paths)
    missing = _missing_before(before)
    before = [f for f in before if (f.path, missing_package(f)) not in missing]
    after = [f for f in after if (f.path, missing_package(f)) not in missing]

    def count(found: Sequence[Finding]) -> Counter[tuple[str, str]]:
        return Counter(
            (f.path, f.code)
            for f in found
            if f.path in wanted and f.tool == "mypy" and f.code not in CONSEQUENCES
        )

    had, has = count(before), count(after)
    seen = {(f.path, f.code, f.message) for f in before}
    regressed: dict[str, list[Finding]] = defaultdict(list)
    for finding in after:
        key = (finding.path, finding.code)
        if has[key] > had[key] and (*key, finding.message) not in seen:
            regressed[finding.path].append(finding)
    return dict(regressed)


def reason(new: Sequence[Finding]) -> str:
    """Why a file's fixes were rolled back, naming the errors they made mypy report."""
    shown = "; ".join(f"{f.code} at line {f.line}: {f.message}" for f in new[:3])
    more = f" (and {len(new) - 3} more)" if len(new) > 3 else ""
    return f"rolled back: after the fix mypy reported {shown}{more}"


def roll_back(
    proj: project.Project,
    now: FileState,
    before: FileState,
    notes: list[str],
    journal: write.Journal,
) -> FileState:
    """Write `before`'s text over `now`; the state of the file as it is on disk after."""
    with write.locked(proj.state_dir):
        text = before.source.text
        problem = write.write_text(now, text, root=proj.root, repo=proj.repo, journal=journal)
    if problem:
        notes.append(f"{now.path}: could not roll back: {problem}")
        return now
    return before


def suspects(outcomes: Sequence[Outcome], path: str, new: Sequence[Finding] = ()) -> list[str]:
    """The fingerprints whose fixes a rollback blames: the file's codemod fixes; when no codemod
    ran (an analyzer's own edit did it), the one edit nearest the new errors, so the file's
    other edits are tried again in the next pass (each pass that regresses again blames the
    next nearest; nothing is lost but passes)."""
    fixable = [o for o in outcomes if o.finding.path == path and o.status == "fixable"]
    codemods = [o for o in fixable if o.rule.fix != "analyzer"]
    if codemods or not new or not fixable:
        return [o.fingerprint for o in codemods or fixable]
    lines = [f.line for f in new]

    def distance(o: Outcome) -> tuple[int, str]:
        return min(abs(line - o.finding.line) for line in lines), o.fingerprint

    return [min(fixable, key=distance).fingerprint]


def caused(
    before: Sequence[Finding],
    after: Sequence[Finding],
    paths: Sequence[str],
    keep: Callable[[Finding], bool],
) -> dict[str, list[Finding]]:
    """path -> the findings of other tools than mypy a pass brought into the file that the next
    pass cannot fix (`keep` says whether one is reported and would be fixed): heal's fix made
    them, so the file goes back (a shell=True -> argv rewrite that would add B603, a rewrite
    that adds RUF036)."""
    wanted = set(paths)

    def count(found: Sequence[Finding]) -> Counter[tuple[str, str]]:
        return Counter((f.path, f.code) for f in found if f.path in wanted and f.tool != "mypy")

    had, has = count(before), count(after)
    seen = {(f.path, f.code, f.message) for f in before}
    new: dict[str, list[Finding]] = defaultdict(list)
    for finding in after:
        key = (finding.path, finding.code)
        if finding.tool == "mypy" or has[key] <= had[key] or (*key, finding.message) in seen:
            continue
        if keep(finding):
            new[finding.path].append(finding)
    return dict(new)


def caused_reason(new: Sequence[Finding]) -> str:
    shown = "; ".join(f"{f.code} at line {f.line}: {f.message}" for f in new[:3])
    return f"rolled back: the fix brought {shown}, which heal cannot fix"


def unfixable(finding: Finding, ctx: policy.Context, opts: Options) -> bool:
    """Is a finding a pass brought reported, and left for a person (the next pass won't fix it)?"""
    outcome = policy.decide(finding, catalogue.load().rule_for(finding), "", ctx)
    shown = classify.wanted(
        outcome, opts.select, opts.ignore, opts.config.per_file_ignores, opts.extend_select
    )
    return shown and outcome.status != "fixable"
