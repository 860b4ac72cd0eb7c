"""A commit on a branch of its own, made without touching the working tree, the index or the
current branch: HEAD's tree with some files replaced, through a temporary index (`heal repair
--commit`)."""

from __future__ import annotations

import os
import subprocess  # nosec B404 - healers.tools is the one place heal starts processes
import tempfile
from collections.abc import Mapping
from pathlib import Path

from healers.tools.git import SAFE


class BranchError(RuntimeError):
    """git refused a step; the message says which."""


def _git(repo: Path, args: list[str], env: Mapping[str, str], data: bytes | None = None) -> str:
    try:
        done = subprocess.run(  # nosec B603 B607 - git from PATH, as users run it; no shell
            ["git", *SAFE, *args],
            cwd=repo,
            input=data,
            stdin=subprocess.DEVNULL if data is None else None,
            capture_output=True,
            check=False,
            timeout=120,
            env={**os.environ, **env},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BranchError(f"git {args[0]} could not run: {exc}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise BranchError(f"git {args[0]}: {said[0] if said else f'exit {done.returncode}'}")
    return done.stdout.decode("utf-8", "surrogateescape").strip()


def commit_on_branch(repo: Path, branch: str, files: Mapping[str, bytes], message: str) -> str:
    """Commit `files` (paths relative to `repo`) over HEAD on the new branch `branch`; returns
    the commit. A branch of that name that exists already is left alone (BranchError)."""
    with tempfile.TemporaryDirectory(prefix="heal-branch-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp, "index"))}
        _git(repo, ["check-ref-format", f"refs/heads/{branch}"], env)
        head = _git(repo, ["rev-parse", "--verify", "HEAD^{commit}"], env)
        _git(repo, ["read-tree", head], env)
        for path, data in sorted(files.items()):
            blob = _git(repo, ["hash-object", "-w", "--stdin"], env, data)
            listed = _git(repo, ["ls-files", "-s", "--", path], env)
            mode = listed.split(" ", 1)[0] if listed else "100644"
            _git(repo, ["update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}"], env)
        tree = _git(repo, ["write-tree"], env)
        commit = _git(repo, ["commit-tree", tree, "-p", head, "-m", message], env)
        # the empty old value: created only if no such branch exists yet
        _git(repo, ["update-ref", f"refs/heads/{branch}", commit, ""], env)
    return commit
