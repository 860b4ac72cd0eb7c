"""One batch of saved files healed as the hook heals staged files: the same Options builder and
engine, the files named; recorded in the run history as a `watch` run."""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace
from pathlib import Path

from healers import builder, engine, session
from healers.commands import heal as heal_run
from healers.finding import Report
from healers.options import Options
from healers.paths import relative


@dataclass(frozen=True)
class Healed:
    """What a batch did: the engine's report, its exit code as `heal FILES` gives it, and how
    long it took."""

    files: tuple[str, ...]
    report: Report
    code: int
    seconds: float
    prefix: str  # the batch's project root relative to the watcher's ("" when the same)

    def written(self) -> dict[str, str]:
        """Each file the batch changed (relative to the watcher's root) -> the text it wrote."""
        return {self.prefix + p: after for p, (_, after) in self.report.changes.items()}


def batch_options(watching: Options, files: tuple[str, ...]) -> Options:
    """The Options of `heal [--fix] FILES` from the project root, with the watcher's own
    choices: --no-fix, --verify-cmd (a suite that fails while someone edits is the baseline the
    fixes must keep: --verify-baseline-failing), --untrusted, --config."""
    args = argparse.Namespace(
        command=builder.RUN,
        files=list(files),
        scan=None,
        fix=watching.fix,
        verify_cmd=watching.verify_cmd,
        verify_baseline_failing=True,
        untrusted=watching.untrusted,
        config=_given_config(watching),
    )
    opts = builder.options(args, watching.project.root)
    return replace(opts, session=session.Session(opts.project.root, "watch", len(files), ()))


def _given_config(watching: Options) -> str | None:
    """`heal watch --config FILE`: FILE for every batch (else each batch reads the project's
    pyproject.toml again: a change there counts from the next batch)."""
    source = watching.config.source
    if not source or Path(source) == watching.project.root / "pyproject.toml":
        return None
    return source


def heal(watching: Options, files: tuple[str, ...]) -> Healed:
    """Heal `files` (relative to the project root) once; the run history records it."""
    started = time.monotonic()
    opts = batch_options(watching, files)
    reports: list[Report] = []

    def run(o: Options) -> int:
        reports.append(engine.run(o))
        return heal_run.exit_code(reports[-1], o)

    code = session.run_recorded(opts, run)
    inner = relative(str(opts.project.root), str(watching.project.root))
    prefix = "" if inner == "." else inner + "/"
    return Healed(files, reports[-1], code, time.monotonic() - started, prefix)
