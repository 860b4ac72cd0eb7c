"""git, as users run it (from PATH, no shell): the files a repository tracks, who decides."""

from __future__ import annotations

import subprocess  # nosec B404 - healers.tools is the one place heal starts processes
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


def git_committed(root: Path, path: str) -> bytes | None:
    """The content of `path` (relative to root) at HEAD, or None when git has none."""
    try:
        proc = subprocess.run(  # nosec B603 B607 - git from PATH, as users run it; no shell
            ["git", "show", f"HEAD:./{path}"],
            cwd=root,
            check=False,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None
