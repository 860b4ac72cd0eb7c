"""What guards a fixing run: the emergency stop, --verify-cmd, the audit record, learned trust."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from healers import folder, verify, write
from healers.finding import FileResult, FileState, Outcome
from healers.options import Options
from healers.state import audit, control, history, journal, stats
from healers.verify import Pass


class Guard:
    """One run's safeguards, called by engine.run: start(), check() after each pass, finish()."""

    def __init__(self, opts: Options) -> None:
        self.proj = opts.project
        self.config = opts.config
        self.demoted = opts.demoted
        self.trail = audit.Trail(audit.new_run_id(), opts.verify_cmd)
        self.journal = journal.Ahead(self.proj.state_dir, self.proj.root, self.trail.run_id)
        self.verifier: verify.Verifier | None = None
        if opts.verify_cmd:
            self.verifier = verify.Verifier(
                opts.verify_cmd,
                cwd=self.proj.root,
                timeout=opts.verify_timeout,
                baseline_failing=opts.verify_baseline_failing,
            )

    @property
    def run_id(self) -> str:
        return self.trail.run_id

    @property
    def verify_runs(self) -> int:
        return self.verifier.runs if self.verifier else 0

    def stopped(self) -> bool:
        return control.stopped(self.proj.state_dir)

    def start(self, outcomes: Sequence[Outcome], notes: list[str]) -> bool:
        """May the run write? Runs verify_cmd once first, when anything is fixable: failing there
        raises verify.VerifyError (nothing can be blamed on a fix), unless it was accepted."""
        if self.stopped():
            notes.append(control.why_stopped(self.proj.state_dir) + "; nothing was written")
            return False
        self.journal.ready()  # an audit trail that cannot be written stops the run here
        stats.check(self.proj.state_dir)  # and so do links where the counts are kept
        folder.check_database(self.proj.state_dir, history.HISTORY)  # or the run history
        with write.locked(self.proj.state_dir):  # no other heal is writing: its temp files are
            write.remove_leftovers(self._folders())  # leftovers of a killed run
        if self.verifier is not None and any(o.status == "fixable" for o in outcomes):
            note = self.verifier.baseline()
            notes += [note] if note else []
        return True

    def _folders(self) -> list[Path]:
        state = self.proj.state_dir
        folders = {(self.proj.root / f).parent for f in self.proj.files}
        return sorted({*folders, state, state / audit.BLOBS})

    def _pass(
        self,
        states: Mapping[str, FileState],
        plans: Mapping[str, FileResult],
        outcomes: Sequence[Outcome],
    ) -> Pass:
        by_print = {o.fingerprint: o for o in outcomes}
        proj = self.proj
        return Pass(proj.root, proj.repo, proj.state_dir, states, plans, by_print, self.journal)

    def check(
        self,
        states: Mapping[str, FileState],
        plans: Mapping[str, FileResult],
        outcomes: Sequence[Outcome],
    ) -> verify.Check | None:
        """After a pass is written: verify it (rolling back what breaks verify_cmd), log it."""
        work = self._pass(states, plans, outcomes)
        check = None
        if self.verifier is not None and plans:
            check = verify.check_pass(
                work,
                self.verifier,
                stopped=self.stopped,
                interrupted=lambda taken: self._taken(work, taken),
            )
        self.trail.add_pass(work, check)
        return check

    def take_back(
        self,
        states: Mapping[str, FileState],
        plans: Mapping[str, FileResult],
        outcomes: Sequence[Outcome],
        written: Mapping[str, str] | None,
    ) -> None:
        """An interrupt before the pass was verified (while writing, or during heal's own mypy
        check of it): the pass's files go back to their text before it. `written` is what the
        files hold now (None: the pass's plans). A file that cannot go back (changed meanwhile)
        keeps its fixes, audited as unverified, and stderr names it: there is no report."""
        if not plans:
            return
        work = self._pass(states, plans, outcomes)
        try:
            check = verify.take_back(work, why="interrupted", written=written)
        except OSError as exc:
            self.trail.add_pass(work, None)
            print(
                f"heal: interrupted; the unverified pass could not be taken back: {exc}",
                file=sys.stderr,
            )
            return
        self._taken(work, check)

    def _taken(self, work: Pass, check: verify.Check) -> None:
        """Put a pass taken back on record, and say so on stderr (an interrupted run prints no
        report)."""
        self.trail.add_pass(work, check)
        for note in check.notes:
            print(f"heal: {note}", file=sys.stderr)

    def finish(self, notes: list[str]) -> None:
        """Append the run's audit records and count its fixes; say when a rule lost our trust."""
        self.trail.verify_runs = self.verify_runs
        if not self.trail.files:
            return
        state_dir = self.proj.state_dir
        audit.append(state_dir, self.trail.records(), self.trail.blobs())
        stats.add(state_dir, self.trail.applied())
        policy = stats.Policy(self.config.demote_min_fixes, self.config.demote_rollback_rate)
        for rule, why in sorted(stats.demoted(state_dir, policy).items()):
            if rule not in self.demoted:
                notes.append(f"rule {rule} is now {why}")
