"""The trust boundary in one place: how the analyzers are set up for a run, and what
`--untrusted` (HEAL_UNTRUSTED=1) takes away. Code the project declares (mypy plugins, its
`python_executable`, a `verify-cmd`) runs only in trusted mode; a committed or linked mypy cache
is never read (docs/security.md)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from healers import analyze, folder, project, state, target, tools
from healers.errors import UsageError
from healers.tools import mypy, mypy_config

TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def from_environment(flag: bool) -> bool:
    """--untrusted, or HEAL_UNTRUSTED=1 (a CI job's setting for every heal it runs)."""
    value = os.environ.get("HEAL_UNTRUSTED", "").strip().lower()
    if value not in TRUE + FALSE:
        raise UsageError(f"HEAL_UNTRUSTED={value!r}: use 1 (untrusted) or 0")
    return flag or value in TRUE


@contextmanager
def analyzers(
    proj: project.Project, *, untrusted: bool, cache_dir: Path | None, notes: list[str]
) -> Iterator[analyze.Setup]:
    """The analyzers' setup for one run: each tool's config, the target Python, mypy's cache.
    Untrusted: mypy's config is a copy without plugins or python_executable, and its cache is a
    fresh folder outside the repository. Temporary folders go when the run ends."""
    configs = dict(project.tool_config(proj.root))
    with tempfile.TemporaryDirectory(prefix="heal-run-") as scratch:
        if untrusted and configs["mypy"] is not None:
            copied = _copied(proj.root, configs["mypy"], Path(scratch))
            configs["mypy"] = copied.path
            if copied.plugins:
                listed = ", ".join(copied.plugins)
                notes.append(
                    f"--untrusted: mypy ran without the plugins its config declares ({listed}); "
                    "its type findings may differ from a trusted run"
                )
        fresh = Path(scratch, "mypy-cache")
        if cache_dir is None:
            cache_dir = fresh if untrusted else mypy_cache(proj, notes, fresh)
        ruff_target, mypy_version = _pythons(proj, notes)
        yield analyze.Setup(configs, ruff_target, cache_dir, mypy_python=mypy_version)


def _pythons(proj: project.Project, notes: list[str]) -> tuple[str | None, str | None]:
    """ruff's target and mypy's --python-version: the oldest Python the project declares; where
    mypy no longer supports it, the oldest mypy does, and the report says so."""
    project.target_version(proj.root)  # a malformed requires-python is a configuration error
    declared = target.declared(proj.root)
    if declared.version is None:
        notes.append(declared.note)
        return None, None
    oldest = mypy.oldest_python()
    if declared.version >= oldest:
        return declared.ruff, None
    shown = ".".join(map(str, declared.version))
    notes.append(
        f"the project declares Python {shown} ({declared.source}); the installed mypy supports "
        f"{oldest[0]}.{oldest[1]} and newer, so mypy checked as Python {oldest[0]}.{oldest[1]}"
    )
    return declared.ruff, f"{oldest[0]}.{oldest[1]}"


def _copied(root: Path, name: str, into: Path) -> mypy_config.Copied:
    try:
        return mypy_config.copy(root, name, into)
    except mypy_config.UnsafeConfig as exc:
        raise tools.AnalyzerError("mypy", f"not run under --untrusted: {exc}") from None


def mypy_cache(proj: project.Project, notes: list[str], fresh: Path) -> Path:
    """`.heal/cache/mypy`, made by heal and holding no link and nothing git tracks; otherwise
    it is not read (a committed cache could hide errors, a link inside it would make mypy write
    elsewhere) and mypy gets a fresh cache for this run, with a note saying why."""
    with folder.opened(state.ensure(proj.root), "cache", "mypy", create=True) as place:
        path = place.path
    why = _tainted(proj, path)
    if not why:
        return path
    notes.append(f"{path} {why}: not used; mypy ran with a fresh cache (delete the folder)")
    return fresh


def _tainted(proj: project.Project, cache: Path) -> str:
    listed = tools.git_files(proj.root, cache)
    if listed:
        return f"holds files git tracks ({listed[0]}, ...)"
    for dirpath, dirnames, filenames in os.walk(cache):
        links = [n for n in (*dirnames, *filenames) if Path(dirpath, n).is_symlink()]
        if links:
            return f"holds a symbolic link ({Path(dirpath, links[0])})"
    return ""
