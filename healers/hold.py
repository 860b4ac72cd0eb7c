"""Hold the line: in hook mode under pre-commit and with `--since REF`, heal fixes and counts only
the findings on lines the change touches; old findings elsewhere are left as they are. Under
pre-commit the change is what is staged (the index against HEAD); when pre-commit passes files
the commit does not change (`pre-commit run --all-files`, `--files`), every line counts."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from healers import tools
from healers.config import Config
from healers.errors import UsageError
from healers.finding import Finding
from healers.project import Project

Changed = Mapping[str, frozenset[int] | None]  # path -> changed lines (None: all); absent: none
ALWAYS = frozenset({"heal:analyzer-failed"})  # a tool that failed is news on every line


@dataclass(frozen=True)
class Against:
    """What the change is compared with: a commit, and whether the change is what is staged."""

    ref: str
    staged: bool = False  # the index against `ref` (a commit being made), not the working tree


@dataclass(frozen=True)
class Held:
    """What holding the line did in the last judgement: for the report's note."""

    count: int = 0  # findings on lines the change does not touch, neither fixed nor counted
    against: Against | None = None
    whole: bool = False  # pre-commit passed files the commit does not change: nothing held


def reference(
    *, since: str | None, hook: bool, enabled: bool, env: Mapping[str, str] = os.environ
) -> Against | None:
    """What to compare with: --since REF (the working tree); in hook mode under pre-commit (it
    sets PRE_COMMIT=1) the staged changes against HEAD, or, when pre-commit says what is pushed
    (pre-push, `--from-ref`), the working tree against PRE_COMMIT_FROM_REF; otherwise None
    (every line counts)."""
    if since is not None:
        return Against(since)
    if not (hook and enabled and env.get("PRE_COMMIT") == "1"):
        return None
    pushed = env.get("PRE_COMMIT_FROM_REF")
    return Against(pushed) if pushed else Against("HEAD", staged=True)


def check(root: Path, since: str | None) -> None:
    """--since names a commit git knows, or the run is a usage error (exit 2)."""
    if since is not None and not tools.is_commit(root, since):
        raise UsageError(f"--since {since}: not a commit of this repository")


def committing(proj: Project) -> bool:
    """Are the files pre-commit passed a commit's? Each one is staged (its index differs from
    HEAD), or a merge is being committed (pre-commit passes the files the merge touches). Under
    `--all-files` or `--files` it passes files the commit does not change."""
    if not proj.files or tools.is_commit(proj.root, "MERGE_HEAD"):
        return True
    staged = tools.staged_files(proj.root)
    return staged is None or set(proj.files) <= staged  # None: no HEAD, every line is new


def changed(root: Path, against: Against | None, paths: Sequence[str]) -> Changed | None:
    """The changed lines of `paths`; None: hold nothing (no reference, no such commit: a first
    commit has no HEAD, and everything in it is new)."""
    if against is None or not paths:
        return None
    if against.staged:
        return tools.staged_lines(root, paths)
    return tools.changed_lines(root, against.ref, paths)


def on_changed_line(finding: Finding, lines: Changed) -> bool:
    """Does the finding's range touch a changed line (its file is new, or it is about a tool)?"""
    if finding.code in ALWAYS:
        return True
    if finding.path not in lines:
        return False
    touched = lines[finding.path]
    if touched is None:
        return True
    end = max(finding.end_line or finding.line, finding.line)
    return any(n in touched for n in range(finding.line, end + 1))


def note(held: Held) -> list[str]:
    if held.whole:
        return [
            "hold the line is off: pre-commit passed files this commit does not change "
            "(`pre-commit run --all-files` or `--files`), so every line of them counts"
        ]
    if not held.count or held.against is None:
        return []
    where = (
        "lines the staged changes do not touch"
        if held.against.staged
        else f"lines unchanged since {held.against.ref}"
    )
    return [
        f"hold the line: {held.count} older finding(s) on {where} are not reported or fixed "
        "here (`heal --scan` shows them)"
    ]


def filtered(
    proj: Project, found: Sequence[Finding], since: str | None, config: Config
) -> tuple[list[Finding], Held]:
    """The findings on changed lines, and what was held back (nothing when nothing is held)."""
    against = reference(since=since, hook=proj.hook, enabled=config.hold_the_line)
    if against is not None and against.staged and not committing(proj):
        return list(found), Held(whole=True)
    lines = changed(proj.root, against, sorted({f.path for f in found}))
    if lines is None:
        return list(found), Held()
    kept = [f for f in found if on_changed_line(f, lines)]
    return kept, Held(len(found) - len(kept), against)
