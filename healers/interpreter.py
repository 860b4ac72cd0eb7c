"""The project's own interpreter, for mypy's `--python-executable`: third-party types are then
checked in the hook too (mypy issue #13916). mypy runs it, so it is project code: found only in
trusted mode, never a file git tracks, and named in the report."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from healers import tools

VENVS = (".venv", "venv")  # the folders a project's own environment is usually in


def _python(env: Path) -> Path | None:
    for name in ("bin/python", "bin/python3", "Scripts/python.exe"):
        if (env / name).is_file():
            return env / name
    return None


def _own(env: Path) -> bool:
    """heal's own environment: mypy already runs there, nothing to pass."""
    try:
        return env.resolve() == Path(sys.prefix).resolve()
    except OSError:
        return False


def find(root: Path, configured: str = "") -> tuple[Path | None, str]:
    """(the interpreter, "") or (None, why none is used, "" when the project has none): the
    `[tool.healers] python` setting, else an active VIRTUAL_ENV that is not heal's own, else a
    `.venv/` or `venv/` in the project that git does not track."""
    if configured:
        named = Path(configured) if Path(configured).is_absolute() else root / configured
        if not named.is_file():
            return None, f"[tool.healers] python = {configured!r} is not a file"
        return _untracked(root, named)
    active = os.environ.get("VIRTUAL_ENV", "")
    envs = [Path(active)] if active else []
    for env in [*envs, *(root / name for name in VENVS)]:
        python = _python(env)
        if python is not None and not _own(env):
            return _untracked(root, python)
    return None, ""


def _untracked(root: Path, python: Path) -> tuple[Path | None, str]:
    """A committed "interpreter" would let a repository choose what mypy runs."""
    try:
        inside = python.absolute().is_relative_to(root.resolve())
    except OSError:
        inside = False
    if inside and tools.tracked(root, python.parent.parent):
        return None, f"{python} is in a folder git tracks: not run"
    return python.absolute(), ""
