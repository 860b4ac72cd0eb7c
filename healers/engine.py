"""One run, stage by stage: analyze -> classify -> apply -> verify -> write -> loop -> report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from healers import (
    analyze,
    analyzers,
    apply,
    classify,
    config,
    foresee,
    hold,
    policy,
    project,
    regressions,
    review,
    trust,
    write,
)
from healers.finding import FileResult, FileState, Finding, Outcome, Proposal, Report
from healers.guard import Guard
from healers.options import Options
from healers.state import approvals, control


@dataclass
class _Run:
    """What one run knows between its passes (mutable while it goes on)."""

    opts: Options
    setup: analyze.Setup
    states: dict[str, FileState]
    findings: list[Finding]  # per file, kept between passes
    decisions: Mapping[str, approvals.Decision]
    ctx: policy.Context
    target: str | None
    proposals: dict[str, Proposal] = field(default_factory=dict)
    declined: dict[str, str] = field(default_factory=dict)  # fingerprint -> why its fix failed
    notes: list[str] = field(default_factory=list)
    history: dict[str, set[str]] = field(default_factory=dict)  # texts seen: fixes undoing others
    dropped: list[Outcome] = field(default_factory=list)  # HIGH security left out by select/ignore
    rolled_back: set[str] = field(default_factory=set)  # fingerprints of fixes taken back
    reviewing: review.Reviewing | None = None  # the project's line length and formatter
    held: hold.Held = field(default_factory=hold.Held)  # what holding the line left out

    def texts(self) -> dict[str, str]:
        return {p: s.source.text for p, s in self.states.items()}

    def judge(self) -> list[Outcome]:
        """classify and prioritize, then the human decisions (checked against the fix each one
        approved, planned alone by the apply stage); fixes that failed are not tried again."""
        proj = self.opts.project
        found = self.findings + analyze.whole_project(proj, self.states, self.setup.findings)
        found, self.held = hold.filtered(proj, found, self.opts.since, self.opts.config)
        self.dropped = []
        outcomes = classify.classify(
            found,
            self.states,
            self.ctx,
            select=self.opts.select,
            ignore=self.opts.ignore,
            dropped=self.dropped,
            per_file=self.opts.config.per_file_ignores,
            extend_select=self.opts.extend_select,
        )
        self.proposals = self._propose(policy.decided(outcomes, self.decisions))
        outcomes = policy.resolve(outcomes, self.texts(), self.decisions, self.proposals)
        return policy.declined(outcomes, self.declined)

    def _propose(self, outcomes: Sequence[Outcome]) -> dict[str, Proposal]:
        if not outcomes:
            return {}
        opts = self.opts
        settings = config.codemod_settings(opts.config)
        how = foresee.Planning(opts.timeout, self.target, settings, self.reviewing)
        store, root = self.setup.findings, opts.project.root
        return foresee.proposed(outcomes, self.states, how, store=store, root=root)


def run(opts: Options, *, cache_dir: Path | None = None) -> Report:
    """Analyze the selected files and, with `fix`, heal them pass after pass until stable."""
    notes = list(opts.project.notes)
    if opts.ignored_verify_cmd:
        notes.append("--untrusted: the verify-cmd in the configuration was not run")
    on = analyzers.enabled(opts.config.analyzers, opts.ignore)
    with trust.analyzers(
        opts.project, untrusted=opts.untrusted, cache_dir=cache_dir, notes=notes, conf=opts.config
    ) as s:
        return _run(opts, replace(s, enabled=on), notes)


def _run(opts: Options, setup: analyze.Setup, notes: list[str]) -> Report:
    proj = opts.project
    _phase(opts, f"analyzing {len(proj.files)} file(s)")
    states, found = analyze.analyze(proj, proj.files, setup, timeout=opts.timeout)
    notes += analyzers.unchecked_types(setup.enabled, found)
    ctx = policy.context(opts, ruff_configured=setup.configs.get("ruff") is not None)
    decisions = approvals.load(proj.state_dir)
    target = project.target_version(proj.root)
    work = _Run(opts, setup, states, found, decisions, ctx, target, notes=notes)
    work.reviewing = review.for_project(proj.root)
    outcomes = initial = work.judge()
    originals = work.texts()
    work.history = {path: {text} for path, text in originals.items()}
    guard = Guard(opts)
    passes = 0
    fixing = opts.fix and guard.start(outcomes, work.notes)  # verify_cmd runs once before any fix
    if not fixing and not opts.command:  # report only: "fixable" is what --fix would fix
        outcomes = _foresee(work, outcomes)
    try:
        while fixing and passes < opts.max_passes:
            passes += 1
            _phase(opts, f"fix pass {passes}")
            outcomes, again = _one_pass(work, guard, outcomes, passes)
            if not again:
                break
        else:
            if fixing and any(o.status == "fixable" for o in outcomes):
                limit = opts.max_passes
                work.notes.append(f"fixes did not converge within {limit} passes (max-passes)")
    finally:  # an interrupt too: what was written goes on record, so `heal undo` can take it back
        guard.finish(work.notes, work.declined)  # the audit trail, learned trust and patterns
    finals = work.texts()
    changes = {
        p: (originals[p], finals[p]) for p in finals if p in originals and finals[p] != originals[p]
    }
    fixed = policy.fixed(initial, outcomes, guard.trail.kept()) if changes else []
    outcomes = classify.prioritize([*fixed, *outcomes])
    # the blocked ones always (few: HIGH findings), so the advice names only fixes that exist
    wanted = [o for o in outcomes if o.gated] if opts.propose else policy.blocked(outcomes)
    work.proposals.update(work._propose([o for o in wanted if o.fingerprint not in work.proposals]))
    work.notes += policy.baseline_high(outcomes)
    work.notes += hold.note(work.held)
    rep = Report(
        outcomes,
        changes,
        work.notes,
        passes,
        guard.run_id,
        guard.verify_runs,
        work.proposals,
        warnings=classify.dropped_warning(work.dropped),
        rolled_back=tuple(sorted(work.rolled_back)),
    )
    if opts.session is not None:
        opts.session.saw(rep)
    return rep


def _foresee(work: _Run, outcomes: list[Outcome]) -> list[Outcome]:
    """A report-only run's outcomes with the fix pass planned as --fix plans it (foresee.py)."""
    opts = work.opts
    _phase(opts, "planning the fixes")
    settings = config.codemod_settings(opts.config)
    limit = opts.config.plan_fixes
    how = foresee.Planning(opts.timeout, work.target, settings, work.reviewing, limit)
    root, store = opts.project.root, work.setup.findings
    foreseen, note = foresee.foreseen(outcomes, work.states, how, store=store, root=root)
    work.notes += [note] if note else []
    return foreseen


def _phase(opts: Options, what: str) -> None:
    """Tell the run's session (the dashboard, the progress line) what the run does now."""
    if opts.session is not None:
        opts.session.phase(what)


def _one_pass(
    work: _Run, guard: Guard, outcomes: list[Outcome], number: int
) -> tuple[list[Outcome], bool]:
    """Plan, write and verify pass `number`, then analyze what it changed. Returns the outcomes
    and whether another pass may help. An interrupt before the pass is verified (while writing,
    during --verify-cmd or heal's own mypy check of it) takes the pass back."""
    history = work.history
    plans: dict[str, FileResult] = {}  # filled as files are written
    try:
        unfixed = _fix_pass(work, outcomes, plans, guard.journal)
    except BaseException:
        guard.take_back(work.states, plans, outcomes, None)  # interrupted while writing
        raise
    check = guard.check(work.states, plans, outcomes)  # failing fixes rolled back
    written = check.written if check else {p: r.after or "" for p, r in plans.items()}
    work.notes += check.notes if check else []
    work.declined.update(unfixed)
    work.declined.update(check.unfixed if check else {})
    if check is not None and check.passed:  # not an interrupt or an emergency stop
        work.rolled_back.update(check.unfixed)
    outcomes = policy.declined(outcomes, work.declined)
    if not written and not (check and check.rolled_back):
        return outcomes, False
    looping = [p for p, text in written.items() if text in history.setdefault(p, set())]
    for path, text in written.items():
        history[path].add(text)
    stopped = guard.stopped()  # the files written are still analyzed: the report tells them
    try:
        outcomes = _reanalyze(work, guard, outcomes, sorted(written), stopped=stopped)
    except BaseException:
        guard.take_back(work.states, plans, outcomes, written)  # interrupted in the check
        raise
    if stopped:
        return outcomes, False
    if looping:
        undoing = ", ".join(looping)
        work.notes.append(f"fixes undo each other in {undoing}; stopped after pass {number}")
        return outcomes, False
    return outcomes, True


def _reanalyze(
    work: _Run, guard: Guard, outcomes: list[Outcome], touched: list[str], *, stopped: bool
) -> list[Outcome]:
    """The files a pass wrote, analyzed again: a file where mypy now reports a new error goes
    back to its text before the pass (not after an emergency stop: then it is only named)."""
    proj = work.opts.project
    fresh, found = analyze.analyze(proj, touched, work.setup, timeout=work.opts.timeout)
    regressed = regressions.new_type_errors(work.findings, found, touched)
    whys = {path: regressions.reason(new) for path, new in regressed.items()}
    made = regressions.caused(
        work.findings, found, touched, lambda f: regressions.unfixable(f, work.ctx, work.opts)
    )
    whys |= {p: regressions.caused_reason(n) for p, n in made.items() if p not in whys}
    for path, why in whys.items():
        if stopped:
            work.notes.append(f"{path}: {why.replace('rolled back: ', '')}; kept: heal is stopped")
            continue
        # its codemod fixes (or the analyzer edit nearest the error) are not tried again
        found = [f for f in found if f.path != path] + [f for f in work.findings if f.path == path]
        fresh[path] = regressions.roll_back(
            proj, fresh[path], work.states[path], work.notes, guard.journal
        )
        work.notes.append(f"{path}: {why}")
        blamed = regressions.suspects(outcomes, path, regressed.get(path, ()))
        guard.trail.restored(path, fresh[path].data, fresh[path].source.text, blamed, why)
        work.declined.update(dict.fromkeys(blamed, why))
        work.rolled_back.update(blamed)
    work.states.update(fresh)
    written = set(touched)
    work.findings = analyzers.merge([f for f in work.findings if f.path not in written], found)
    # cycles span files: recomputed whole, or a fixed cycle would linger in untouched files
    return work.judge()


def _fix_pass(
    work: _Run, outcomes: list[Outcome], written: dict[str, FileResult], journal: write.Journal
) -> dict[str, str]:
    """Plan every file's fixes (codemods in worker processes) and write them, adding each file
    written to `written` at once (an interrupt may come next). Returns fingerprint -> reason left
    unfixed."""
    opts, proj, states = work.opts, work.opts.project, work.states
    if opts.only:
        outcomes = [o for o in outcomes if o.fingerprint in opts.only]
    # approved model patches; one verification took back is not tried again in the next pass
    live = {fp: p for fp, p in opts.patches.items() if fp not in work.declined}
    unfixed: dict[str, str] = {}
    planned = apply.plan_pass(
        states,
        outcomes,
        live,
        timeout=opts.timeout,
        target=work.target,
        settings=config.codemod_settings(opts.config),
        reviewing=work.reviewing,
    )
    for path, result in planned.items():
        unfixed.update(result.unfixed)
        if result.problem:
            work.notes.append(f"{path}: {result.problem}; its fixes were dropped")
        if result.after is None:
            continue
        if control.stopped(proj.state_dir):  # emergency stop: the file before this one was the last
            work.notes.append(control.why_stopped(proj.state_dir) + "; the run stopped writing")
            break
        with write.locked(proj.state_dir):
            problem = write.write_text(
                states[path], result.after, root=proj.root, repo=proj.repo, journal=journal
            )
        if problem:
            work.notes.append(f"{path}: {problem}")
            unfixed.update(dict.fromkeys(result.applied, problem))
        else:
            written[path] = result
    return unfixed
