"""git, as users run it (from PATH, no shell): the files a repository tracks, who decides."""

from __future__ import annotations

import subprocess  # nosec B404 - healers.tools is the one place heal starts processes
from collections.abc import Sequence
from pathlib import Path

# A repository that comes as a tarball brings its own .git/config: core.fsmonitor there is a
# program `git ls-files` starts. heal's git commands run with it off.
SAFE = ("-c", "core.fsmonitor=false")


def git_files(root: Path, target: Path) -> list[str] | None:
    """Files git tracks or would track under `target` (relative to root), or None outside git."""
    listing = ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", str(target)]
    try:
        proc = subprocess.run(  # nosec B603 B607 - git from PATH, as users run it; no shell
            ["git", *SAFE, *listing],
            cwd=root,
            check=False,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({n for n in names if n})


def tracked(root: Path, target: Path) -> bool:
    """Whether git tracks a file under `target` (a folder heal would otherwise run from)."""
    listing = ["ls-files", "-z", "--cached", "--", str(target)]
    try:
        proc = subprocess.run(  # nosec B603 B607 - git from PATH, as users run it; no shell
            ["git", *SAFE, *listing], cwd=root, check=False, capture_output=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0 and bool(proc.stdout.strip(b"\0"))


def ignored(root: Path, paths: Sequence[str]) -> frozenset[str]:
    """The paths (as given, relative to root or absolute) that .gitignore leaves out, in one
    `git check-ignore`; a file git tracks is never ignored; none outside git."""
    if not paths:
        return frozenset()
    listing = "\0".join(paths).encode("utf-8", "surrogateescape") + b"\0"
    done = _git(root, "check-ignore", "-z", "--stdin", stdin=listing)
    if done is None or done.returncode not in (0, 1):  # 1: none ignored; 128: not a repository
        return frozenset()
    return frozenset(n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n)


def git_identity(root: Path) -> str:
    """`Name <email>` from `git config`, the person a recorded decision is attributed to; "" when
    git has no user.name."""
    values = []
    for key in ("user.name", "user.email"):
        try:
            proc = subprocess.run(  # nosec B603 B607 - git from PATH, as users run it; no shell
                ["git", *SAFE, "config", "--get", key],
                cwd=root,
                check=False,
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        values.append(proc.stdout.strip() if proc.returncode == 0 else "")
    name, email = values
    if not name:
        return ""
    return f"{name} <{email}>" if email else name


def _git(
    root: Path, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(  # nosec B603 B607 - git from PATH, as users run it; no shell
            ["git", *SAFE, *args],
            cwd=root,
            check=False,
            capture_output=True,
            input=stdin,
            stdin=subprocess.DEVNULL if stdin is None else None,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def is_commit(root: Path, ref: str) -> bool:
    done = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return done is not None and done.returncode == 0


def changed_lines(
    root: Path, ref: str, paths: Sequence[str]
) -> dict[str, frozenset[int] | None] | None:
    """path (relative to root) -> the lines of the working tree that differ from `ref` (added
    or changed), None for a file git does not track (every line is new); a path not in the map
    is unchanged. None when git cannot say (no such commit): then every line counts."""
    if not is_commit(root, ref):
        return None
    diff = _git(root, "diff", "-U0", "--no-color", "--no-ext-diff", "--relative", ref, "--", *paths)
    if diff is None or diff.returncode != 0:
        return None
    changed: dict[str, set[int] | None] = {}
    current = ""
    for line in diff.stdout.decode("utf-8", "surrogateescape").splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = name[2:] if name.startswith("b/") else ""
            changed.setdefault(current, set())
        elif line.startswith("@@ ") and current:
            added = line.split(" ")[2]  # "+start,count"
            start, _, count = added[1:].partition(",")
            lines = changed[current]
            if lines is not None:
                lines.update(range(int(start), int(start) + int(count or 1)))
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", *paths)
    if untracked is not None and untracked.returncode == 0:
        for name in untracked.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if name:
                changed[name] = None
    return {p: None if n is None else frozenset(n) for p, n in changed.items() if p}


def git_committed(root: Path, path: str) -> bytes | None:
    """The content of `path` (relative to root) at HEAD, or None when git has none."""
    done = _git(root, "show", f"HEAD:./{path}")
    return done.stdout if done is not None and done.returncode == 0 else None
