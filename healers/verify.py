"""Stage 6, verify: run the project's own command after a fix pass; roll back what breaks it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from healers import edits, source, tools, write
from healers.bisection import Unit, isolate, units_of
from healers.finding import FileResult, FileState, Outcome

OUTPUT_LINES = 25  # lines of the command's output kept in the report


class VerifyError(RuntimeError):
    """The command already fails before heal changed anything: a failure could not be blamed."""


class _Abort(Exception):
    """Verification cannot go on (a file changed under heal, or an emergency stop)."""


@dataclass(frozen=True)
class Pass:
    """One fix pass as verification sees it: the files as the pass read them, what it wrote
    over them, and the outcomes of its fixes by fingerprint."""

    root: Path
    repo: Path
    state_dir: Path
    bases: Mapping[str, FileState]
    plans: Mapping[str, FileResult]
    outcomes: Mapping[str, Outcome]
    journal: write.Journal  # every write is on record before it is made


@dataclass(frozen=True)
class Check:
    """What verification did to one pass."""

    written: dict[str, str]  # path -> the text now on disk, for files that differ from the base
    kept: tuple[Unit, ...]
    rolled_back: tuple[Unit, ...]
    unfixed: dict[str, str]  # fingerprint -> why its fix was taken back
    notes: list[str] = field(default_factory=list)
    passed: bool = True  # the command passes with the kept fixes


class Verifier:
    """Runs the command and counts the runs; knows what "passes" means for this project."""

    def __init__(
        self, command: str, *, cwd: Path, timeout: float, baseline_failing: bool = False
    ) -> None:
        self.command = command
        self.cwd = cwd
        self.timeout = timeout
        self.baseline_failing = baseline_failing
        self.accepted = 0  # the exit code that counts as passing
        self.runs = 0

    def run(self) -> tools.Completed:
        self.runs += 1
        return tools.run_command(self.command, cwd=self.cwd, timeout=self.timeout)

    def ok(self, done: tools.Completed) -> bool:
        return done.returncode in (0, self.accepted)

    def baseline(self) -> str:
        """Run the command before any fix. Failing there is an error, unless the user accepted
        it (--verify-baseline-failing): then that exit code counts as passing. Returns a note."""
        done = self.run()
        if done.returncode == 0:
            return ""
        if not self.baseline_failing or done.returncode < 0:
            raise VerifyError(
                f"`{self.command}` fails before any fix (exit {done.returncode}); nothing was "
                "changed. Make it pass first, or accept it with --verify-baseline-failing."
                + tail(done.stdout)
            )
        self.accepted = done.returncode
        return (
            f"`{self.command}` already fails before any fix (exit {done.returncode}); fixes are "
            f"kept while it exits {done.returncode} or 0 (--verify-baseline-failing: weaker)"
        )


def tail(output: str, lines: int = OUTPUT_LINES) -> str:
    kept = output.strip().splitlines()[-lines:]
    return "".join(f"\n    | {line}" for line in kept)


class _Disk:
    """The pass's files on disk: writes a chosen subset of fixes, checking nobody else wrote."""

    def __init__(self, work: Pass) -> None:
        self.work, self.bases = work, work.bases
        # path -> the bytes heal last wrote: the pass's plans, as the fix pass wrote them
        self.current = {
            p: source.encode(self.bases[p].source, r.after or "") for p, r in work.plans.items()
        }

    def text(self, path: str, units: Sequence[Unit]) -> str:
        spans = sorted((s for u in units for s in u.spans), key=lambda s: (s.start, s.end))
        return edits.apply(self.bases[path].source.text, spans)

    def put(self, path: str, text: str) -> None:
        state = self.bases[path]
        data = source.encode(state.source, text)
        if self.current.get(path) == data:
            return
        target = self.work.root / path
        try:
            expected = self.current.get(path, state.data)
            write.replace(
                target, data, expected=expected, repo=self.work.repo, journal=self.work.journal
            )
        except write.Changed:
            raise _Abort(f"{path} changed on disk during verification") from None
        self.current[path] = data
        drop_bytecode(target)

    def restore(self, path: str) -> bool:
        """Put the pass's base text back; False when someone else changed the file meanwhile."""
        with contextlib.suppress(OSError):
            if (self.work.root / path).read_bytes() == self.bases[path].data:
                self.current[path] = self.bases[path].data
                return True  # already back (a rollback before the interrupt)
        try:
            self.put(path, self.bases[path].source.text)
        except _Abort:
            return False
        return True


def drop_bytecode(path: Path) -> None:
    """Remove the cached bytecode of a rewritten module. CPython (and pytest's assertion
    rewriting) trust a .pyc whose recorded source mtime, in whole seconds, and size match: two
    versions of one size written within a second would otherwise run the stale one."""
    for pyc in path.parent.glob(f"__pycache__/{path.stem}.*.pyc"):
        with contextlib.suppress(OSError):
            pyc.unlink()


class _Trials:
    """Subsets of the pass's fixes put on disk and tried with the command, each subset once."""

    def __init__(self, work: Pass, verifier: Verifier, stopped: Callable[[], bool]) -> None:
        self.work, self.verifier, self.stopped = work, verifier, stopped
        self.units = units_of(work.plans, work.outcomes)
        self.disk = _Disk(work)
        self.failures: list[tuple[frozenset[int], str]] = []  # (subset, what the command said)
        self.seen: dict[frozenset[int], bool] = {}

    def texts(self, subset: frozenset[int]) -> dict[str, str]:
        units = self.units
        return {
            path: self.disk.text(path, [units[i] for i in sorted(subset) if units[i].path == path])
            for path in self.work.plans
        }

    def materialize(self, subset: frozenset[int]) -> None:
        with write.locked(self.work.state_dir):
            for path, text in self.texts(subset).items():
                self.disk.put(path, text)

    def passes(self, subset: frozenset[int]) -> bool:
        if subset in self.seen:
            return self.seen[subset]
        if self.stopped():
            raise _Abort("emergency stop (heal stop) during verification")
        broken = [p for p, text in self.texts(subset).items() if not _compiles(text, p)]
        if broken:  # fixes that only compile together: this subset cannot be kept
            self.seen[subset] = False
            self.failures.append((subset, f"{', '.join(broken)} would not compile"))
            return False
        self.materialize(subset)
        done = self.verifier.run()
        self.seen[subset] = self.verifier.ok(done)
        if not self.seen[subset]:
            self.failures.append((subset, done.stdout))
        return self.seen[subset]


def check_pass(
    work: Pass,
    verifier: Verifier,
    *,
    stopped: Callable[[], bool],
    interrupted: Callable[[Check], None],
) -> Check:
    """The pass's fixes are on disk: run the command; when it fails, isolate the fixes that break
    it, take them back, and leave the rest. An interrupt takes the whole pass back, tells
    `interrupted` what it did, and goes on up."""
    trials = _Trials(work, verifier, stopped)
    units, disk = trials.units, trials.disk
    everything = frozenset(range(len(units)))
    started = verifier.runs
    try:
        if _first_run(verifier, trials, everything):
            return Check(_written(disk, units, everything), tuple(units), (), {})
        culprits = isolate(units, trials.passes)
        kept = everything - set(culprits)
        trials.materialize(kept)  # the last run may have tried another subset
    except _Abort as exc:
        return _take_all_back(disk, units, str(exc))
    except BaseException:
        with contextlib.suppress(OSError):  # best effort: leave no unverified fix behind
            interrupted(_take_all_back(disk, units, "interrupted"))
        raise
    summary = (
        f"verify: `{verifier.command}` failed with this pass's {len(units)} fix(es) of "
        f"{len({u.rule for u in units})} rule(s) in {len(work.plans)} file(s); "
        f"{verifier.runs - started} run(s) isolated {len(culprits)} that break it: rolled back, "
        f"the other {len(kept)} kept"
    )
    return _report(verifier, disk, units, culprits, kept, trials.failures, summary)


def _compiles(text: str, path: str) -> bool:
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _first_run(verifier: Verifier, trials: _Trials, everything: frozenset[int]) -> bool:
    """The command with the whole pass, as the fix pass wrote it."""
    done = verifier.run()
    trials.seen[everything] = verifier.ok(done)
    if not trials.seen[everything]:
        trials.failures.append((everything, done.stdout))
    return trials.seen[everything]


def _written(disk: _Disk, units: Sequence[Unit], kept: frozenset[int]) -> dict[str, str]:
    out = {}
    for path in disk.work.plans:
        text = disk.text(path, [units[i] for i in sorted(kept) if units[i].path == path])
        if text != disk.bases[path].source.text:
            out[path] = text
    return out


def take_back(work: Pass, *, why: str, written: Mapping[str, str] | None = None) -> Check:
    """Restore the files of a pass that cannot be verified (interrupted while writing or while
    it was checked); `written` is the text heal last wrote to each (default: the plans)."""
    disk = _Disk(work)
    if written is not None:
        disk.current = {
            p: source.encode(work.bases[p].source, written.get(p, work.bases[p].source.text))
            for p in work.plans
        }
    return _take_all_back(disk, units_of(work.plans, work.outcomes), why)


def _take_all_back(disk: _Disk, units: Sequence[Unit], why: str) -> Check:
    with write.locked(disk.work.state_dir):
        left = [p for p in disk.work.plans if not disk.restore(p)]
    reason = f"fix taken back unverified: {why}"
    unfixed = {p: reason for u in units for p in u.fingerprints}
    note = f"verification stopped ({why}): this pass's fixes were taken back"
    if left:
        note += f"; {', '.join(left)} changed by someone else and was left as it is now"
    return Check({}, (), tuple(units), unfixed, [note], passed=False)


def _report(
    verifier: Verifier,
    disk: _Disk,
    units: Sequence[Unit],
    culprits: Sequence[int],
    kept: frozenset[int],
    failures: Sequence[tuple[frozenset[int], str]],
    summary: str,
) -> Check:
    reason = f"fix rolled back: `{verifier.command}` fails with it"
    notes = [summary]
    for index in culprits:
        unit = units[index]
        output = next((out for subset, out in reversed(failures) if index in subset), "")
        prints = ", ".join(unit.fingerprints)
        notes.append(
            f"verify: rolled back a {unit.rule} fix in {unit.path} ({prints}): "
            f"`{verifier.command}` fails with it{tail(output)}"
        )
    rolled = tuple(units[i] for i in culprits)
    unfixed = {p: reason for u in rolled for p in u.fingerprints}
    kept_units = tuple(units[i] for i in sorted(kept))
    return Check(_written(disk, units, kept), kept_units, rolled, unfixed, notes)
