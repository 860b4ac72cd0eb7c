"""A run's session: shown as going on while it runs (the dashboard, the progress line), recorded
in the run history when it ends. Recording never changes a run's result: trouble is a warning."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from healers import __version__, state
from healers.errors import CommandError
from healers.finding import Outcome, Report
from healers.report import LEFT, summary
from healers.state import audit, history
from healers.state.runs import Entry, Seen

if TYPE_CHECKING:
    from healers.options import Options
    from healers.progress import Line

EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 1, 2, 130
COMMANDS = (
    "approve",
    "reject",
    "undo",
    "pending",
    "repair",
)  # subcommands recorded as runs of their own
ANALYZE_PROJECT = ("scan", "fix", "verify", "approve", "reject", "pending")


def kind_of(command: str, *, hook: bool, fix: bool, verify_cmd: str, diff: bool) -> str | None:
    """What the history calls a run: scan, fix, verify (a fix checked by --verify-cmd), hook
    (files named), or the subcommand; None for what is not recorded (--diff, the read-only
    commands)."""
    if command == "":
        if diff:
            return None  # a preview: it changes nothing and heals only a copy
        if hook:
            return "hook"
        return ("verify" if verify_cmd else "fix") if fix else "scan"
    return command if command in COMMANDS else None


def seen(o: Outcome, status: str = "") -> Seen:
    f = o.finding
    message = f.message.splitlines()[0] if f.message else ""
    return Seen(
        o.fingerprint,
        o.rule.id,
        f.code,
        o.category,
        o.priority,
        f.path,
        f.line,
        status or o.status,
        message,
        f.severity,
        o.reason,
        f.column,
    )


class Session:
    """One recorded run, from start() to finish()."""

    def __init__(self, state_root: Path, kind: str, files: int, targets: Sequence[str]) -> None:
        self.root = state_root
        self.kind = kind
        self.files = files
        self.targets = tuple(targets)
        self.started = time.time()
        self.run_id = audit.new_run_id()  # the record's id when the run wrote nothing
        self.reports: list[Report] = []
        self.undone: list[Seen] = []
        self.handle = ""
        self.last_phase = ""
        self.line: Line | None = None
        self.warned: list[str] = []

    @property
    def state_dir(self) -> Path:
        return self.root / ".heal"

    def _warn(self, what: str) -> None:
        if what not in self.warned:
            self.warned.append(what)
            print(f"heal: warning: {what}", file=sys.stderr)

    def _guarded(self, step: Callable[[], Any]) -> Any:
        try:
            return step()
        except (history.HistoryError, OSError) as exc:
            self._warn(f"run history not recorded: {exc}")
            return None

    def start(self, *, progress: bool = False) -> None:
        def register() -> None:
            state.ensure(self.root)
            self.handle, warnings = history.start(self.state_dir, self.kind, self.files)
            for warning in warnings:
                self._warn(warning)

        self._guarded(register)
        if progress:
            from healers.progress import Line  # rich, only on a terminal

            self.line = Line()

    def phase(self, what: str) -> None:
        if what == self.last_phase:
            return
        self.last_phase = what
        if self.line is not None:
            self.line.show(what)
        if self.handle:
            self._guarded(lambda: history.phase(self.state_dir, self.handle, what))

    def saw(self, report: Report) -> None:
        """engine.run's report (approve makes two: the second is what it fixed)."""
        self.reports.append(report)
        if self.line is not None:
            self.line.stop()

    def undid(self, records: Sequence[Mapping[str, Any]]) -> None:
        """`heal undo`: the audit records of the files it restored."""
        for record in records:
            for fix in record.get("fixes", ()):
                row = (fix["fingerprint"], fix["rule"], fix["code"], "", "", record["path"])
                self.undone.append(Seen(*row, fix["line"], "undone", fix.get("message", "")))

    def entry(self, code: int) -> Entry:
        """The run's record as it stands."""
        now = time.time()
        run_id = self.run_id
        common: dict[str, Any] = {
            "started": self.started,
            "duration": round(now - self.started, 3),
            "exit": code,
            "version": __version__,
            "targets": self.targets,
        }
        if not self.reports:
            files = len({s.path for s in self.undone}) if self.kind == "undo" else self.files
            return Entry(run_id, self.kind, "none", files=files, heals=tuple(self.undone), **common)
        last = self.reports[-1]
        totals = summary(last.outcomes)
        statuses: Counter[str] = Counter(o.status for o in last.outcomes)
        rolled = {p for r in self.reports for p in r.rolled_back}
        by_print = {o.fingerprint: o for r in self.reports for o in r.outcomes}
        heals = [seen(o) for o in last.outcomes if o.status == "fixed"]
        heals += [seen(by_print[p], "rolled-back") for p in sorted(rolled) if p in by_print]
        written = [r.run_id for r in self.reports if r.changes]
        proposals = {p: (v.diff, v.reason) for r in self.reports for p, v in r.proposals.items()}
        return Entry(
            written[-1] if written else run_id,
            self.kind,
            "project" if self.kind in ANALYZE_PROJECT else "files",
            files=self.files,
            found=len(last.outcomes),
            fixed=statuses["fixed"],
            rolled_back=len(rolled),
            blocked=statuses["blocked"],
            remaining=sum(statuses[s] for s in LEFT),
            by_category=_counts(totals["by_category"]),
            by_priority=_counts(totals["by_priority"]),
            audit_run=written[-1] if written else "",
            heals=tuple(heals),
            findings=tuple(seen(o) for o in last.outcomes),
            proposals=proposals,
            **common,
        )

    def finish(self, code: int) -> None:
        if self.line is not None:
            self.line.stop()
        entry = self.entry(code)

        def save() -> None:
            state.ensure(self.root)
            for warning in history.record(self.state_dir, entry, token=self.handle):
                self._warn(warning)

        self._guarded(save)


def _counts(value: object) -> dict[str, int]:
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}


def run_recorded(opts: Options, command: Callable[[Options], int]) -> int:
    """Run the command; with a session, as a recorded run (its exit code, or 2 / 130 / 1 when it
    raised what cli.main turns into those)."""
    session = opts.session
    if session is None:
        return command(opts)
    session.start(progress=opts.output_format == "text" and sys.stderr.isatty())
    code = EXIT_ERROR
    try:
        code = command(opts)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
        raise
    except CommandError:
        code = EXIT_FINDINGS
        raise
    finally:
        session.finish(code)
    return code
