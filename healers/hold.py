"""Hold the line: in hook mode (under pre-commit) and with `--since REF`, heal fixes and counts
only the findings on lines the change touches; old findings elsewhere are left as they are."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from healers import tools
from healers.config import Config
from healers.errors import UsageError
from healers.finding import Finding
from healers.project import Project

Changed = Mapping[str, frozenset[int] | None]  # path -> changed lines (None: all); absent: none
ALWAYS = frozenset({"heal:analyzer-failed"})  # a tool that failed is news on every line


def reference(*, since: str | None, hook: bool, enabled: bool) -> str | None:
    """The commit to compare with: --since REF; in hook mode under pre-commit (which sets
    PRE_COMMIT=1 and stashes what is not staged), HEAD; otherwise None (every line counts)."""
    if since is not None:
        return since
    if hook and enabled and os.environ.get("PRE_COMMIT") == "1":
        return "HEAD"
    return None


def check(root: Path, since: str | None) -> None:
    """--since names a commit git knows, or the run is a usage error (exit 2)."""
    if since is not None and not tools.is_commit(root, since):
        raise UsageError(f"--since {since}: not a commit of this repository")


def changed(root: Path, ref: str | None, paths: Sequence[str]) -> Changed | None:
    """The changed lines of `paths` against `ref`; None: hold nothing (no ref, no such commit:
    a first commit has no HEAD, and everything in it is new)."""
    return None if ref is None or not paths else tools.changed_lines(root, ref, paths)


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


def note(held: int, ref: str) -> list[str]:
    if not held:
        return []
    return [
        f"hold the line: {held} older finding(s) on lines unchanged since {ref} are not "
        "reported or fixed here (`heal --scan` shows them)"
    ]


def filtered(
    proj: Project, found: Sequence[Finding], since: str | None, config: Config
) -> tuple[list[Finding], int]:
    """The findings on changed lines, and how many were held back (0 when nothing is held)."""
    ref = reference(since=since, hook=proj.hook, enabled=config.hold_the_line)
    lines = changed(proj.root, ref, sorted({f.path for f in found}))
    if lines is None:
        return list(found), 0
    kept = [f for f in found if on_changed_line(f, lines)]
    return kept, len(found) - len(kept)
