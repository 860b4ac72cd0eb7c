"""The trust boundary in one place: how the analyzers are set up for a run, and what
`--untrusted` (HEAL_UNTRUSTED=1) takes away. Code the project declares (mypy plugins, its
`python_executable`, a `verify-cmd`) runs only in trusted mode; a committed or linked mypy cache
is never read (docs/security.md)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from healers import (
    analyze,
    cache,
    config,
    folder,
    interpreter,
    layout,
    project,
    state,
    target,
    tools,
)
from healers.errors import UsageError
from healers.tools import bandit, mypy, mypy_config, ruff

TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def from_environment(flag: bool) -> bool:
    """--untrusted, or HEAL_UNTRUSTED=1 (a CI job's setting for every heal it runs)."""
    value = os.environ.get("HEAL_UNTRUSTED", "").strip().lower()
    if value not in TRUE + FALSE:
        raise UsageError(f"HEAL_UNTRUSTED={value!r}: use 1 (untrusted) or 0")
    return flag or value in TRUE


@contextmanager
def analyzers(
    proj: project.Project,
    *,
    untrusted: bool,
    cache_dir: Path | None,
    notes: list[str],
    conf: config.Config | None = None,
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
        conf = conf or config.Config()
        ruff_target, mypy_version = _pythons(proj, notes)
        python = None if untrusted else _interpreter(proj.root, conf.python, notes)
        sorter = _sorter(proj.root, configs, notes, conf.exclude)
        found = (
            cache.Cache()
            if untrusted
            else findings_cache(proj, configs, ruff_target, notes, python, sorter, mypy_version)
        )
        yield analyze.Setup(
            configs,
            ruff_target,
            cache_dir,
            found,
            python,
            conf.max_file_size,
            sorter,
            mypy_python=mypy_version,
        )


def _sorter(
    root: Path, configs: dict[str, str | None], notes: list[str], exclude: Sequence[str]
) -> str:
    """The project's own import sorter, when heal runs ruff with its own selection (a project's
    ruff config decides for itself whether it selects I001); the code heal excludes does not
    show its convention."""
    if configs["ruff"] is not None:
        return ""
    sorter = layout.import_sorter(root, lambda rel: project.excluded(rel, exclude))
    if sorter:
        notes.append(f"imports are ordered by the project's {sorter}: heal left out ruff's I001")
    return sorter


def _interpreter(root: Path, configured: str, notes: list[str]) -> Path | None:
    """The project's interpreter for mypy (interpreter.find), named in the report."""
    python, why = interpreter.find(root, configured)
    if why:
        notes.append(f"mypy ran with heal's own interpreter: {why}")
    elif python is not None:
        notes.append(f"mypy checked against the project's interpreter {python}")
    return python


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


def findings_cache(
    proj: project.Project,
    configs: dict[str, str | None],
    target: str | None,
    notes: list[str],
    python: Path | None = None,
    sorter: str = "",
    mypy_version: str | None = None,
) -> cache.Cache:
    """`.heal/cache/findings`, unless git tracks a file in it: a committed cache could hide a
    finding, so it is not read (and not written) and the note says so. Entries are opened
    without following links (folder.Folder); untrusted runs get no cache at all."""
    with folder.opened(state.ensure(proj.root), "cache", "findings", create=True) as place:
        path = place.path
    listed = tools.git_files(proj.root, path)
    if listed:
        notes.append(
            f"{path} holds files git tracks ({listed[0]}, ...): the findings cache was not "
            "used; every file was analyzed (untrack the folder)"
        )
        return cache.Cache()

    def conf(tool: str) -> Path | None:
        name = configs[tool]
        return None if name is None else proj.root / name

    mypy_args = mypy.command([], config=configs["mypy"], cache_dir="", python_version=mypy_version)
    stamps = {
        "ruff": cache.stamp(
            "ruff",
            ruff.command([], config=configs["ruff"], target=target, sorter=sorter),
            conf("ruff"),
        ),
        "bandit": cache.stamp(
            "bandit", bandit.command([], config=configs["bandit"]), conf("bandit")
        ),
        "heal": cache.stamp("heal", [], None),
        "screen": cache.stamp("screen", [sys.version], None),
        "mypy": cache.stamp("mypy", [*mypy_args, *cache.environment(python)], conf("mypy")),
        "cycles": cache.stamp("cycles", [], None),
    }
    return cache.Cache(path, stamps)


def _tainted(proj: project.Project, cache: Path) -> str:
    listed = tools.git_files(proj.root, cache)
    if listed:
        return f"holds files git tracks ({listed[0]}, ...)"
    for dirpath, dirnames, filenames in os.walk(cache):
        links = [n for n in (*dirnames, *filenames) if Path(dirpath, n).is_symlink()]
        if links:
            return f"holds a symbolic link ({Path(dirpath, links[0])})"
    return ""
