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


Hunk = tuple[int, int, int, int]  # git's -U0 hunk header: old start, old count, new start, count
# the diffs heal reads, whatever the user's git config says: prefixes a/ and b/, names unquoted
DIFF = ("-c", "core.quotePath=false", "diff", "-U0", "--no-color", "--no-ext-diff", "--relative")
PREFIXES = ("--src-prefix=a/", "--dst-prefix=b/")


def changed_lines(
    root: Path, ref: str, paths: Sequence[str]
) -> dict[str, frozenset[int] | None] | None:
    """path (relative to root) -> the lines of the working tree that differ from `ref` (added
    or changed), None for a file git does not track (every line is new); a path not in the map
    is unchanged. None when git cannot say (no such commit): then every line counts."""
    if not is_commit(root, ref):
        return None
    hunks = diff_hunks(root, paths, ref)
    if hunks is None:
        return None
    changed: dict[str, frozenset[int] | None] = {p: new_lines(h) for p, h in hunks.items()}
    return changed | dict.fromkeys(untracked(root, paths))


def staged_lines(root: Path, paths: Sequence[str]) -> dict[str, frozenset[int] | None] | None:
    """As `changed_lines` against HEAD, for what is staged: the lines the index changes, where
    they are in the working tree (a line changed again or only in the working tree is not the
    commit's). None when git cannot say (no HEAD yet: every line is new)."""
    if not is_commit(root, "HEAD"):
        return None
    staged = diff_hunks(root, paths, "--cached", "HEAD")
    unstaged = diff_hunks(root, paths)  # the index against the working tree
    if staged is None or unstaged is None:
        return None
    changed: dict[str, frozenset[int] | None] = {
        p: through(new_lines(h), unstaged.get(p, [])) for p, h in staged.items()
    }
    return changed | dict.fromkeys(untracked(root, paths))


def staged_files(root: Path) -> set[str] | None:
    """The files under root whose index differs from HEAD (content or mode), relative to root;
    None when git cannot say (no HEAD)."""
    done = _git(root, *DIFF, "--cached", "--name-only", "-z", "HEAD")
    if done is None or done.returncode != 0:
        return None
    return {n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n}


def diff_hunks(root: Path, paths: Sequence[str], *against: str) -> dict[str, list[Hunk]] | None:
    """`git diff -U0 AGAINST -- paths` read: each file whose text differs, with its hunks (a
    deleted file is left out). None when git fails."""
    diff = _git(root, *DIFF, *PREFIXES, *against, "--", *paths)
    if diff is None or diff.returncode != 0:
        return None
    hunks: dict[str, list[Hunk]] = {}
    current = ""
    for line in diff.stdout.decode("utf-8", "surrogateescape").splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = name[2:] if name.startswith("b/") else ""
            if current:
                hunks.setdefault(current, [])
        elif line.startswith("@@ ") and current:
            old, new = line.split(" ")[1:3]  # "-start,count" "+start,count"
            hunks[current].append((*_range(old), *_range(new)))
    return hunks


def _range(field: str) -> tuple[int, int]:
    start, _, count = field[1:].partition(",")
    return int(start), int(count or 1)


def new_lines(hunks: Sequence[Hunk]) -> frozenset[int]:
    """The lines of the new side that the hunks add or change."""
    return frozenset(n for _, _, start, count in hunks for n in range(start, start + count))


def through(lines: frozenset[int], hunks: Sequence[Hunk]) -> frozenset[int]:
    """`lines` of an old text where they are in the new one, across `hunks` (old -> new); a line
    a hunk replaces or deletes has no place there and is left out."""
    moved = set()
    for line in lines:
        shift = 0
        for old, old_count, _, new_count in hunks:
            if old_count and old <= line < old + old_count:
                break  # changed on the way: not the same line any more
            if (old + old_count - 1 if old_count else old) < line:
                shift += new_count - old_count
        else:
            moved.add(line + shift)
    return frozenset(moved)


def untracked(root: Path, paths: Sequence[str]) -> list[str]:
    """The `paths` git does not track (and does not ignore)."""
    done = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", *paths)
    if done is None or done.returncode != 0:
        return []
    return [n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n]


def git_committed(root: Path, path: str) -> bytes | None:
    """The content of `path` (relative to root) at HEAD, or None when git has none."""
    done = _git(root, "show", f"HEAD:./{path}")
    return done.stdout if done is not None and done.returncode == 0 else None
