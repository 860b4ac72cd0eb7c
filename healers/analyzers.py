"""Which analyzers a run starts, and what a failing one costs: its own findings, never the run's.
A tool that fails becomes one `heal:analyzer-failed` finding; a file mypy refuses to check
(a duplicate module, a folder that is no package name) is left out of mypy's list and named."""

from __future__ import annotations

import configparser
import fnmatch
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from healers import registry, toml, tools
from healers.config import ANALYZERS
from healers.finding import Finding
from healers.tools import mypy
from healers.tools.run import Completed

FAILED = "heal:analyzer-failed"
NOT_CHECKED = "heal:not-type-checked"
MAX_RERUNS = 50  # mypy reports one duplicate module per run: a monorepo of examples has many
Job = Callable[[Sequence[str]], list[Finding]]


def enabled(configured: Sequence[str], ignore: Sequence[str]) -> frozenset[str]:
    """The analyzers to start: `[tool.healers] analyzers` (default all) less those `--ignore`
    names (`--ignore mypy`; `--ignore type` leaves mypy out too: all its findings are type's)."""
    chosen = set(configured or ANALYZERS)
    chosen -= set(ignore)
    if "type" in ignore:
        chosen.discard("mypy")
    return frozenset(chosen)


def first_line(exc: tools.AnalyzerError) -> str:
    """The tool's reason and the first line of what it said, for one finding's message."""
    said = [line.strip() for line in str(exc).splitlines()[1:] if line.strip()]
    return f"{exc.reason}: {said[0]}" if said else exc.reason


def failed(exc: tools.AnalyzerError, where: str) -> Finding:
    message = f"{exc.tool} failed ({first_line(exc)}); its findings are missing from this run"
    return Finding(
        code=FAILED, path=where, line=1, column=1, message=message, name="analyzer-failed"
    )


def tolerant(job: Job, where: str) -> Job:
    """`job`, with a failure of its tool reported as one finding at `where` (its config file,
    or the first file it was given) instead of ending the run."""

    def run(paths: Sequence[str]) -> list[Finding]:
        try:
            return job(paths)
        except tools.AnalyzerError as exc:
            return [failed(exc, where or (paths[0] if paths else "."))]

    return run


def _not_checked(path: str, why: str) -> Finding:
    message = f"mypy did not check this file: {why}"
    return Finding(
        code=NOT_CHECKED, path=path, line=1, column=1, message=message, name="not-type-checked"
    )


def mypy_dropping(
    once: Callable[[Sequence[str]], Completed],
    paths: Sequence[str],
    *,
    root: str,
    config: str | None,
) -> list[Finding]:
    """mypy on `paths`; where it stops at files it cannot check (exit 2 naming them), those
    files leave the list with a finding each and mypy runs again on the rest."""
    left, skipped = list(paths), list[Finding]()
    for _ in range(MAX_RERUNS):
        if not left:
            return skipped
        out = once(left)
        if out.returncode != 2:
            if out.returncode == 1 and not out.stdout.lstrip().startswith("{"):
                raise tools.AnalyzerError("mypy", "printed no JSON", out.stdout + out.stderr)
            return registry.parse("mypy", out.stdout, root) + skipped
        blocked = mypy.blockers(out, left)
        if not blocked:
            raise mypy.failure(out, config)
        skipped += [_not_checked(p, why) for p, why in blocked.items()]
        left = [p for p in left if p not in blocked]
    raise tools.AnalyzerError("mypy", f"still refused files after {MAX_RERUNS} runs")


def merge(kept: Sequence[Finding], fresh: Sequence[Finding]) -> list[Finding]:
    """A re-analysis's findings beside the kept ones: a tool failure already on record is not
    reported twice."""
    known = {(f.path, f.message) for f in kept if f.code == FAILED}
    return [*kept, *(f for f in fresh if f.code != FAILED or (f.path, f.message) not in known)]


def unchecked_types(enabled: frozenset[str], found: Sequence[Finding]) -> list[str]:
    """Why no type fix is tried this run (none when mypy ran): their check is mypy's."""
    if "mypy" not in enabled:
        return ["mypy is off for this run: no type fixes were tried (their check is mypy's)"]
    if any(f.code == FAILED and f.message.startswith("mypy ") for f in found):
        return ["mypy failed: no type fixes were tried (their check is mypy's)"]
    return []


def _mypy_settings(root: Path, name: str | None) -> tuple[list[str], list[str]]:
    """mypy's own `files` and `exclude` from its config file ([mypy] or [tool.mypy])."""
    if name is None:
        return [], []
    path = root / name
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return [], []
    if name.endswith(".toml"):
        try:
            table = toml.loads(text).get("tool", {}).get("mypy", {})
        except toml.TOMLDecodeError:
            return [], []
        files, exclude = table.get("files", []), table.get("exclude", [])
    else:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            return [], []
        files = parser.get("mypy", "files", fallback="").split(",")
        exclude = parser.get("mypy", "exclude", fallback="").strip()
    files = [files] if isinstance(files, str) else files
    exclude = [exclude] if isinstance(exclude, str) else exclude
    return [str(f).strip() for f in files if str(f).strip()], [str(e) for e in exclude if e]


def mypy_files(root: Path, config: str | None, paths: Sequence[str]) -> list[str]:
    """The paths mypy checks: those its own `files` setting names (a path, a folder or a glob)
    and its `exclude` regexes leave in, as `mypy` alone would check them."""
    files, exclude = _mypy_settings(root, config)
    entries = [f.removeprefix("./").rstrip("/") for f in files]
    patterns = [p for p in (_regex(e) for e in exclude) if p is not None]

    def named(path: str) -> bool:
        for entry in entries:
            if path == entry or path.startswith(entry + "/") or fnmatch.fnmatch(path, entry):
                return True
        return not entries

    return [p for p in paths if named(p) and not any(r.search(p) for r in patterns)]


def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # mypy itself refuses it: its run says so
        return None
