"""Which analyzers a run starts, and what a failing one costs: its own findings, never the run's.
A tool that fails becomes one `heal:analyzer-failed` finding; a file mypy refuses to check
(a duplicate module, a folder that is no package name) is left out of mypy's list and named."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from healers import registry, tools
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
