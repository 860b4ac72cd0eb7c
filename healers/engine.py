"""One run, stage by stage: analyze -> classify -> prioritize -> apply -> write -> loop."""

from __future__ import annotations

import ast
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from healers import (
    apply,
    catalogue,
    files,
    fingerprint,
    gate,
    ownrules,
    project,
    regressions,
    safeguards,
    security,
    style,
    tools,
    typecheck,
)
from healers.codemod import Result
from healers.config import Config
from healers.finding import Approval, Finding, Outcome
from healers.imports import cycles as imports
from healers.prioritize import matches, prioritize, status_for
from healers.state import approvals, control

STATE_GITIGNORE = "# written by heal: run state that is not meant to be committed\n" + "\n".join(
    ("audit.jsonl", "stats.sqlite", "cache/", "lock", "blobs/", "stop", "")
)
BANDIT_FILES_PER_PROCESS = 25  # below this, a second bandit process costs more than it saves
TOOL_CONFIG_FILES = (
    "pyproject.toml",
    "setup.cfg",
    "mypy.ini",
    ".mypy.ini",
    "ruff.toml",
    ".ruff.toml",
)


@dataclass(frozen=True)
class Options:
    fix: bool = False
    unsafe_fixes: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    max_passes: int = 5
    timeout: float = 30.0
    verify_cmd: str = ""  # run after each fix pass; fixes that make it fail are rolled back
    verify_timeout: float = 1800.0
    verify_baseline_failing: bool = False  # go on when verify_cmd fails before any fix
    baseline: frozenset[str] = frozenset()  # fingerprints reported as `baseline`
    demoted: Mapping[str, str] = field(default_factory=dict)  # rule id -> why it needs approval
    approval: tuple[tuple[str, Approval], ...] = ()  # [tool.healers] approval: rule id -> level
    allow_unapproved_high: bool = False
    only: frozenset[str] = frozenset()  # fix only these fingerprints (`heal approve`)


@dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]  # prioritized; fixed ones included with status "fixed"
    changes: dict[str, tuple[str, str]]  # path -> (text before the run, text after)
    notes: list[str]  # what went wrong without stopping the run
    passes: int
    run_id: str = ""  # the audit trail's name for this run (`heal undo RUN_ID`)
    verify_runs: int = 0  # how many times verify_cmd ran


def ensure_state_dir(root: Path) -> Path:
    state = root / ".heal"
    state.mkdir(exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        ignore.write_text(STATE_GITIGNORE, encoding="utf-8")
    return state


def _heal_finding(code: str, path: str, line: int, column: int, message: str) -> Finding:
    return Finding(
        code=f"heal:{code}",
        path=path,
        line=line,
        column=column,
        message=message,
        name=code,
        severity="error",
    )


def read(root: Path, paths: Sequence[str]) -> tuple[dict[str, apply.FileState], list[Finding]]:
    """Read and pre-screen each file with `compile()`: undecodable or unparsable files become
    findings and are kept away from mypy and the codemods."""
    states: dict[str, apply.FileState] = {}
    found: list[Finding] = []
    for path in paths:
        try:
            data = (root / path).read_bytes()
            source = files.read_source(data)
        except (OSError, files.SourceError) as exc:
            found.append(_heal_finding("unreadable-file", path, 1, 1, f"cannot read: {exc}"))
            continue
        scopes: list[tuple[int, int, str]] = []
        try:
            tree = ast.parse(source.text, filename=path)
            # compile the tree too: a repeated keyword argument parses but is a blocking
            # error for mypy, which would then report nothing for any file
            compile(tree, path, "exec", dont_inherit=True)
            scopes = fingerprint.scopes(tree)
        except SyntaxError as exc:
            line, col = exc.lineno or 1, exc.offset or 1
            found.append(_heal_finding("syntax-error", path, line, col, f"SyntaxError: {exc.msg}"))
        except (ValueError, RecursionError, MemoryError) as exc:
            message = f"cannot be parsed: {type(exc).__name__}: {exc}"
            found.append(_heal_finding("syntax-error", path, 1, 1, message))
        parses = not found or found[-1].path != path
        states[path] = apply.FileState(path, data, source, parses, tuple(scopes))
    return states, found


def _isolating(
    job: Callable[[Sequence[str]], list[Finding]],
) -> Callable[[Sequence[str]], list[Finding]]:
    """A tool that crashes (killed by a signal: ruff overflows its stack on some huge
    expressions) is re-run on halves of the files until the file that crashes it is found; that
    file is reported, the others are analyzed. A tool that fails for any other reason stays an
    error for the whole run."""

    def run(paths: Sequence[str]) -> list[Finding]:
        try:
            return job(paths)
        except tools.AnalyzerError as exc:
            if not exc.crashed:
                raise
            if len(paths) == 1:
                message = f"{exc.tool} crashed on this file ({exc.reason}); it was not analyzed"
                return [_heal_finding("analyzer-crash", paths[0], 1, 1, message)]
            half = len(paths) // 2
            return run(paths[:half]) + run(paths[half:])

    return run


def _chunks(paths: Sequence[str], parts: int) -> list[list[str]]:
    return [list(paths[i::parts]) for i in range(parts) if paths[i::parts]]


def analyze(
    proj: project.Project, paths: Sequence[str], cache_dir: Path, *, timeout: float = 30.0
) -> tuple[dict[str, apply.FileState], list[Finding]]:
    """Read the files and run ruff, mypy, bandit and heal's own rules on them, all at once: ruff
    and bandit start before the pre-screen (they survive syntax errors), mypy and heal's rules
    (libcst, in worker processes with a per-file timeout) after it, and bandit, the slowest and
    single-threaded, is split across the cores, as are heal's rules."""
    root, conf = str(proj.root), project.tool_config(proj.root)
    target = project.target_version(proj.root)

    @_isolating
    def ruff(files_: Sequence[str]) -> list[Finding]:
        args = style.command(files_, config=conf["ruff"], target=target)
        out = tools.run_tool("ruff", args, cwd=proj.root, ok=(0,))
        return style.parse(out.stdout, root)

    def mypy(files_: Sequence[str]) -> list[Finding]:
        args = typecheck.command(files_, config=conf["mypy"], cache_dir=str(cache_dir))
        out = tools.run_tool("mypy", args, cwd=proj.root, ok=(0, 1))
        if out.returncode == 1 and not out.stdout.lstrip().startswith("{"):
            raise tools.AnalyzerError("mypy", "printed no JSON", out.stdout + out.stderr)
        return typecheck.parse(out.stdout, root)

    @_isolating
    def bandit(files_: Sequence[str]) -> list[Finding]:
        args = security.command(files_, config=conf["bandit"])
        out = tools.run_tool("bandit", args, cwd=proj.root, ok=(0, 1))
        found, errors = security.parse(out.stdout, root)
        return found + [_heal_finding("syntax-error", p, 1, 1, f"bandit: {r}") for p, r in errors]

    def own(files_: Sequence[str]) -> list[Finding]:
        return ownrules.analyze([(p, states[p].source.text) for p in files_], timeout=timeout)

    if not paths:
        return {}, []
    parts = max(1, min(os.cpu_count() or 1, len(paths) // BANDIT_FILES_PER_PROCESS))
    with tools.Background() as background:
        running = [background.start(ruff, paths)]
        running += [background.start(bandit, chunk) for chunk in _chunks(paths, parts)]
        states, early = read(proj.root, paths)
        parsable = [p for p in paths if p in states and states[p].parses]
        if parsable:
            running.append(background.start(mypy, parsable))
            running += [background.start(own, chunk) for chunk in _chunks(parsable, parts)]
        found = [f for job in running for f in job.result()]
    wanted = set(parsable)
    # findings for files that failed the pre-screen (a crash included) are the pre-screen's
    return states, early + [f for f in found if f.path in wanted]


def cycles(proj: project.Project, states: dict[str, apply.FileState]) -> list[Finding]:
    """Import cycles need the whole project even when only a few files are selected."""
    sources = {p: s.source.text for p, s in states.items() if s.parses}
    if proj.hook:
        for path in tools.git_files(proj.root, proj.root) or ():
            if path.endswith(".py") and path not in sources:
                try:
                    sources[path] = (proj.root / path).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
    return [f for f in imports.find_cycles(sources) if f.path in states]


def classify(
    findings: Sequence[Finding], states: dict[str, apply.FileState], opts: Options
) -> list[Outcome]:
    """Join each finding with its rule, fingerprint it, decide its status; --select/--ignore."""
    cat = catalogue.load()
    policy = dict(opts.approval)
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_path[finding.path].append(finding)
    outcomes = []
    for path, found in by_path.items():
        state = states.get(path)
        text, scopes = (state.source.text, state.scopes) if state is not None else ("", ())
        prints = fingerprint.fingerprints(found, text, scopes)
        for finding, print_ in zip(found, prints, strict=True):
            rule = gate.with_policy(cat.rule_for(finding), policy)
            status, reason = status_for(
                rule,
                finding,
                unsafe_fixes=opts.unsafe_fixes,
                high_gate=not opts.allow_unapproved_high,
            )
            if print_ in opts.baseline:
                status, reason = "baseline", "recorded by `heal baseline`; does not fail the run"
            elif rule.id in opts.demoted and status in ("fixable", "unsafe-fix"):
                status, reason = "needs-approval", opts.demoted[rule.id]
            outcome = Outcome(finding, rule, print_, status, reason)
            if opts.select and not matches(outcome, opts.select):
                continue
            if opts.ignore and matches(outcome, opts.ignore):
                continue
            outcomes.append(outcome)
    return prioritize(ownrules.dedupe(outcomes))


def _fix_pass(
    proj: project.Project,
    states: dict[str, apply.FileState],
    outcomes: list[Outcome],
    opts: Options,
    written: dict[str, apply.FileResult],
) -> tuple[dict[str, str], list[str]]:
    """Plan every file's fixes (codemods in worker processes) and write them, adding each file
    written to `written` at once (an interrupt may come next).
    Returns (fingerprint -> reason left unfixed, notes)."""
    if opts.only:
        outcomes = [o for o in outcomes if o.fingerprint in opts.only]
    jobs = [j for j in apply.codemod_jobs(outcomes) if states[j[0]].parses]
    texts = {p: s.source.text for p, s in states.items()}
    results = apply.run_codemods(
        [(name, texts[p], outs) for p, name, outs in jobs],
        timeout=opts.timeout,
        target=project.target_version(proj.root),
    )
    per_file: dict[str, list[tuple[Sequence[Outcome], Result]]] = defaultdict(list)
    for (path, _, outs), done in zip(jobs, results, strict=True):
        per_file[path].append((outs, done))
    by_path: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_path[outcome.finding.path].append(outcome)
    unfixed: dict[str, str] = {}
    notes: list[str] = []
    for path in sorted(set(by_path) | set(per_file)):
        state = states.get(path)
        if state is None or not state.parses:
            continue
        result = apply.plan(state, by_path[path], per_file[path])
        unfixed.update(result.unfixed)
        if result.problem:
            notes.append(f"{path}: {result.problem}; its fixes were dropped")
        if result.after is None:
            continue
        if control.stopped(proj.state_dir):  # emergency stop: the file before this one was the last
            notes.append(control.why_stopped(proj.state_dir) + "; the run stopped writing")
            break
        with files.locked(proj.state_dir):
            problem = apply.write(proj.root, proj.repo, state, result.after)
        if problem:
            notes.append(f"{path}: {problem}")
            unfixed.update(dict.fromkeys(result.applied, problem))
        else:
            written[path] = result
    return unfixed, notes


def _mark_unfixed(outcomes: list[Outcome], unfixed: dict[str, str]) -> list[Outcome]:
    return [
        replace(o, status="unfixable", reason=unfixed[o.fingerprint])
        if o.fingerprint in unfixed and o.status == "fixable"
        else o
        for o in outcomes
    ]


def _fixed(initial: Sequence[Outcome], final: Sequence[Outcome]) -> list[Outcome]:
    """Initial findings that are gone after the fixes: no longer reported, matched by fingerprint,
    then by how many of the same code remain in the file (an edited line changes fingerprints).
    A finding can go from a file heal did not touch: an import cycle broken in another module."""
    final_prints = {o.fingerprint for o in final}
    left = Counter((o.finding.path, o.finding.code) for o in final)
    gone = []
    for outcome in initial:
        key = (outcome.finding.path, outcome.finding.code)
        if outcome.fingerprint in final_prints or left[key] > 0:
            left[key] -= 1  # still there, perhaps moved: the final list reports it
            continue
        reason = outcome.reason if outcome.status == "fixable" else "gone after the other fixes"
        gone.append(replace(outcome, status="fixed", reason=reason))
    return gone


def run(
    proj: project.Project, config: Config, opts: Options, *, cache_dir: Path | None = None
) -> Report:
    """Analyze the selected files and, with `fix`, heal them pass after pass until stable."""
    cache = cache_dir or ensure_state_dir(proj.root) / "cache" / "mypy"
    # findings kept per file between passes
    states, per_file = analyze(proj, proj.files, cache, timeout=opts.timeout)
    decisions = approvals.load(proj.state_dir)

    def judged(found: list[Outcome]) -> list[Outcome]:
        texts = {p: s.source.text for p, s in states.items()}
        return gate.resolve(found, texts, decisions, timeout=opts.timeout)

    outcomes = judged(classify(per_file + cycles(proj, states), states, opts))
    initial = outcomes
    originals = {p: s.source.text for p, s in states.items()}
    history = {path: {text} for path, text in originals.items()}  # to see fixes undo each other
    notes: list[str] = []
    declined: dict[str, str] = {}  # fingerprint -> why its fix failed: not retried next pass
    passes = 0
    guard = safeguards.Guard(
        proj,
        config,
        verify_cmd=opts.verify_cmd,
        verify_timeout=opts.verify_timeout,
        baseline_failing=opts.verify_baseline_failing,
        demoted=opts.demoted,
    )
    fixing = opts.fix and guard.start(outcomes, notes)  # verify_cmd runs once before any fix
    # Without --fix nothing is planned: codemods run libcst, which is slow, and a rule that has
    # a codemod reads as fixable (as ruff reports fixable rules); --fix says when one declines.
    try:
        while fixing and passes < opts.max_passes:
            passes += 1
            plans: dict[str, apply.FileResult] = {}  # filled as files are written
            try:
                unfixed, pass_notes = _fix_pass(proj, states, outcomes, opts, plans)
            except BaseException:
                guard.abandon(states, plans, outcomes)  # interrupted: the files written so far
                raise
            check = guard.check(states, plans, outcomes)  # failing fixes rolled back
            written = check.written if check else {p: r.after or "" for p, r in plans.items()}
            notes += pass_notes + (check.notes if check else [])
            declined.update(unfixed)
            declined.update(check.unfixed if check else {})
            outcomes = _mark_unfixed(outcomes, declined)
            if (not written and not (check and check.rolled_back)) or guard.stopped():
                break
            looping = [p for p, text in written.items() if text in history.setdefault(p, set())]
            for path, text in written.items():
                history[path].add(text)
            touched = sorted(written)
            fresh, found = analyze(proj, touched, cache, timeout=opts.timeout)
            for path, new in regressions.new_type_errors(per_file, found, touched).items():
                # a fix that makes mypy report a new error: the file goes back to its text
                # before this pass and its codemod fixes are not tried again
                found = [f for f in found if f.path != path] + [
                    f for f in per_file if f.path == path
                ]
                fresh[path] = regressions.roll_back(proj, fresh[path], states[path], notes)
                why = regressions.reason(new)
                notes.append(f"{path}: {why}")
                declined.update(dict.fromkeys(regressions.suspects(outcomes, path), why))
            states.update(fresh)
            per_file = [f for f in per_file if f.path not in written] + found
            # cycles span files: recomputed whole, or a fixed cycle would linger in untouched files
            outcomes = _mark_unfixed(
                judged(classify(per_file + cycles(proj, states), states, opts)), declined
            )
            if looping:
                notes.append(
                    f"fixes undo each other in {', '.join(looping)}; stopped after pass {passes}"
                )
                break
        else:
            if fixing and any(o.status == "fixable" for o in outcomes):
                notes.append(f"fixes did not converge within {opts.max_passes} passes (max-passes)")
    finally:  # an interrupt too: what was written goes on record, so `heal undo` can take it back
        guard.finish(notes)  # the audit trail and learned trust
    finals = {p: s.source.text for p, s in states.items()}
    changes = {
        p: (originals[p], finals[p]) for p in finals if p in originals and finals[p] != originals[p]
    }
    fixed = _fixed(initial, outcomes) if changes else []
    outcomes = prioritize([*fixed, *outcomes])
    return Report(outcomes, changes, notes, passes, guard.run_id, guard.verify_runs)


def preview(proj: project.Project, config: Config, opts: Options) -> Report:
    """--diff: heal a temporary copy of the project and report what would change; write nothing."""
    cache = ensure_state_dir(proj.root) / "cache" / "mypy"
    with tempfile.TemporaryDirectory(prefix="heal-diff-") as tmp:
        shadow = Path(tmp)
        listed = tools.git_files(proj.root, proj.root) or list(proj.files)
        for rel in {*listed, *proj.files, *TOOL_CONFIG_FILES}:
            if (rel.endswith((".py", ".pyi")) or rel in TOOL_CONFIG_FILES) and (
                proj.root / rel
            ).is_file():
                (shadow / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(proj.root / rel, shadow / rel)
        decided = approvals.path_of(proj.state_dir)
        if decided.is_file():  # the decisions decide what --fix would do
            approvals.path_of(ensure_state_dir(shadow)).write_bytes(decided.read_bytes())
        copy = replace(proj, repo=shadow, root=shadow)
        # the copy holds only Python files and configs: the project's own command cannot run there
        return run(copy, config, replace(opts, fix=True, verify_cmd=""), cache_dir=cache)
