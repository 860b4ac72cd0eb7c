"""What guards a fixing run: the emergency stop, --verify-cmd, the audit record, learned trust."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from healers import apply, verify
from healers.config import Config
from healers.finding import Outcome
from healers.project import Project
from healers.state import audit, control, stats


class Guard:
    """One run's safeguards, called by engine.run: start(), check() after each pass, finish()."""

    def __init__(
        self,
        proj: Project,
        config: Config,
        *,
        verify_cmd: str,
        verify_timeout: float,
        baseline_failing: bool,
        demoted: Mapping[str, str],
    ) -> None:
        self.proj = proj
        self.config = config
        self.demoted = demoted
        self.trail = audit.Trail(audit.new_run_id(), verify_cmd)
        self.verifier: verify.Verifier | None = None
        if verify_cmd:
            self.verifier = verify.Verifier(
                verify_cmd,
                cwd=proj.root,
                timeout=verify_timeout,
                baseline_failing=baseline_failing,
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
        if self.verifier is not None and any(o.status == "fixable" for o in outcomes):
            note = self.verifier.baseline()
            notes += [note] if note else []
        return True

    def check(
        self,
        states: Mapping[str, apply.FileState],
        plans: Mapping[str, apply.FileResult],
        outcomes: Sequence[Outcome],
    ) -> verify.Check | None:
        """After a pass is written: verify it (rolling back what breaks verify_cmd), log it."""
        by_print = {o.fingerprint: o for o in outcomes}
        check = None
        if self.verifier is not None and plans:
            check = verify.check_pass(
                root=self.proj.root,
                repo=self.proj.repo,
                state_dir=self.proj.state_dir,
                bases=states,
                plans=plans,
                outcomes=by_print,
                verifier=self.verifier,
                stopped=self.stopped,
                interrupted=lambda taken: self.trail.add_pass(states, plans, by_print, taken),
            )
        self.trail.add_pass(states, plans, by_print, check)
        return check

    def abandon(
        self,
        states: Mapping[str, apply.FileState],
        plans: Mapping[str, apply.FileResult],
        outcomes: Sequence[Outcome],
    ) -> None:
        """A pass interrupted while writing: unverified fixes are taken back; without
        verification the files written so far are whole and stay, on record for `heal undo`."""
        by_print = {o.fingerprint: o for o in outcomes}
        check = None
        if self.verifier is not None and plans:
            check = verify.take_back(
                root=self.proj.root,
                repo=self.proj.repo,
                state_dir=self.proj.state_dir,
                bases=states,
                plans=plans,
                outcomes=by_print,
                why="interrupted",
            )
        self.trail.add_pass(states, plans, by_print, check)

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
