"""The one unified-diff maker (for --diff, proposals, the audit trail) in git's format: lines split
on "\n" only, as git splits them, and `\\ No newline at end of file` after a last line without one,
so that `git apply` of the output makes exactly the change."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healers.finding import Report

NO_NEWLINE = "\\ No newline at end of file\n"
_GIT_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def lines(text: str) -> list[str]:
    """`text` in lines as git sees them: "\\r" and "\\f" are part of a line, only "\\n" ends one."""
    return _GIT_LINE.findall(text)


def unified(path: str, before: str, after: str) -> str:
    """The change from `before` to `after` of the file at `path` (relative to the project, POSIX);
    "" when there is none."""
    out = difflib.unified_diff(
        lines(before), lines(after), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n" + NO_NEWLINE for line in out)


def changes(report: Report) -> str:
    """--diff: every file the run would change, in path order."""
    return "".join(unified(path, a, b) for path, (a, b) in sorted(report.changes.items()))


def colored(text: str) -> str:
    """A diff as a terminal shows one: removed lines red, added green, hunk heads cyan."""
    codes = {"-": "31", "+": "32", "@": "36"}
    out = []
    for line in text.splitlines(keepends=True):
        head = line[:1] if not line.startswith(("---", "+++")) else "1"
        code = codes.get(head, "1" if head == "1" else "")
        body = line.rstrip("\n")
        out.append(f"\033[{code}m{body}\033[0m" + line[len(body) :] if code else line)
    return "".join(out)
