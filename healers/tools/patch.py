"""`git apply` on a scratch copy: the files a patch touches, and applying it (a model's patch is
never applied by a hand-written patcher)."""

from __future__ import annotations

import os
import subprocess  # nosec B404 - healers.tools is the one place heal starts processes
from dataclasses import dataclass
from pathlib import Path

# --recount: a model's hunk headers often miscount lines; git re-counts them from the hunk body
APPLY = ("git", "apply", "--recount", "--whitespace=nowarn")


@dataclass(frozen=True)
class Touched:
    paths: tuple[str, ...]  # every path the patch names, before and after a rename
    summary: tuple[str, ...]  # git's --summary lines: create, delete, rename, mode change


def _git_apply(args: tuple[str, ...], diff: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # outside any repository, as plain `patch` would be: never the one around the scratch copy
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(cwd.parent), "LC_ALL": "C"}
    return subprocess.run(  # nosec B603 - git from PATH with heal's own arguments, no shell
        [*APPLY, *args, "-"],
        cwd=cwd,
        input=diff,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        check=False,
        timeout=60,
        env=env,
    )


def touched(diff: str, cwd: Path) -> Touched | str:
    """What the patch would touch, as git reads it (nothing is applied); a message when git
    cannot read it as a patch at all."""
    try:
        proc = _git_apply(("--numstat", "--summary"), diff, cwd)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"git apply could not run: {exc}"
    if proc.returncode != 0:
        return _first_error(proc.stderr) or "git cannot read it as a patch"
    paths: list[str] = []
    summary: list[str] = []
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            name = parts[2]
            paths += [p.strip() for p in name.split(" => ")] if " => " in name else [name]
        elif line.strip():
            summary.append(line.strip())
    return Touched(tuple(paths), tuple(summary))


def apply(diff: str, cwd: Path) -> str:
    """Apply the patch to the files under `cwd`; "" when it applied, else git's reason."""
    try:
        proc = _git_apply((), diff, cwd)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"git apply could not run: {exc}"
    if proc.returncode == 0:
        return ""
    return _first_error(proc.stderr) or f"git apply exited {proc.returncode}"


def _first_error(stderr: str) -> str:
    lines = [line.removeprefix("error: ").strip() for line in stderr.splitlines() if line.strip()]
    return "; ".join(lines[:2])
