"""Stage 5, apply: each file's fixes planned in priority order and checked (ruff's own edits and
heal's codemods merged without overlaps; the result must compile), and the fix a gated finding
would get planned alone for a human to see. Nothing here writes; nothing raises past a file."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence

from healers import comments, edits, first_look, ordering, source, tools
from healers import results as codemod_results
from healers.finding import FileResult, FileState, Outcome, Patch, Proposal, Span
from healers.report.diff import unified
from healers.results import Fixed, Result, Skipped
from healers.review import Reviewing, review
from healers.tools import worker
from healers.write import sha256 as write_sha

SKIPPED = (
    "codemod skipped"  # a job that hung or killed its worker: the machine's load, not the file
)


def codemod_jobs(outcomes: Sequence[Outcome]) -> list[Job]:
    """(path, codemod, outcomes) for each file's fixable outcomes whose rule names a codemod."""
    grouped: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.status == "fixable" and outcome.rule.fix not in ("analyzer", "none"):
            grouped[(outcome.finding.path, outcome.rule.fix)].append(outcome)
    return [(path, name, outs) for (path, name), outs in sorted(grouped.items())]


def run_codemods(
    jobs: Sequence[tuple[str, str, Sequence[Outcome]]],
    *,
    timeout: float,
    target: str | None = None,
    settings: Mapping[str, float] | None = None,
) -> list[Result]:
    """Run codemod jobs (codemod name, text, outcomes) in worker processes, batched; a job that
    hangs or crashes its worker is Skipped and the jobs after it are retried."""
    version = codemod_results.version(target)
    looks = [first_look.look(name, text, [o.finding for o in outs]) for name, text, outs in jobs]
    sent = [j for j, look in enumerate(looks) if look.kept]  # none kept: no worker, no libcst
    payloads = [
        json.dumps(worker.encode_job(jobs[j][0], jobs[j][1], looks[j].found, version, settings))
        for j in sent
    ]
    results = tools.run_jobs(payloads, timeout=timeout, failed=SKIPPED, parallel=True)
    done = {j: codemod_results.decode(raw) for j, raw in zip(sent, results, strict=True)}
    return [looks[j].joined(done.get(j)) for j in range(len(jobs))]


Job = tuple[str, str, list[Outcome]]  # (path, codemod, the outcomes it is asked to fix)
MODEL_PATCH = "model-patch"  # the "codemod" of an approved model patch in a file's plan


def patch_jobs(
    patches: Mapping[str, Patch], outcomes: Sequence[Outcome], states: Mapping[str, FileState]
) -> tuple[list[Job], list[Result]]:
    """Approved model patches as codemod results, for `plan` to merge like any fix: each only
    while its finding is still reported and its file holds the bytes the patch was checked on."""
    jobs: list[Job] = []
    results: list[Result] = []
    for o in outcomes:
        patch = patches.get(o.fingerprint)
        state = states.get(o.finding.path)
        if patch is None or state is None or write_sha(state.data) != patch.before:
            continue
        jobs.append((o.finding.path, MODEL_PATCH, [o]))
        results.append(Fixed(patch.after, (0,)))
    return jobs, results


def plan_pass(
    states: Mapping[str, FileState],
    outcomes: Sequence[Outcome],
    patches: Mapping[str, Patch],
    *,
    timeout: float,
    target: str | None,
    settings: Mapping[str, float] | None,
    reviewing: Reviewing | None,
) -> dict[str, FileResult]:
    """One fix pass planned, nothing written: the codemods of every file that parses (in the
    worker), the approved model patches, then each file's plan. A `--fix` pass writes what this
    returns; a report-only run counts from it what `--fix` would fix (`foresee.py`)."""
    jobs = [j for j in codemod_jobs(outcomes) if j[0] in states and states[j[0]].parses]
    texts = {path: state.source.text for path, state in states.items()}
    results = run_codemods(
        [(name, texts[p], outs) for p, name, outs in jobs],
        timeout=timeout,
        target=target,
        settings=settings,
    )
    patched, patch_results = patch_jobs(patches, outcomes, states)
    jobs, results = [*jobs, *patched], [*results, *patch_results]
    return plan_files(states, outcomes, jobs, results, reviewing=reviewing)


def plan_files(
    states: Mapping[str, FileState],
    outcomes: Sequence[Outcome],
    jobs: Sequence[Job],
    results: Sequence[Result],
    *,
    reviewing: Reviewing | None = None,
) -> dict[str, FileResult]:
    """Every file's plan for one pass: its outcomes and the results of its codemod jobs, merged
    by `plan`; a file that is not known or does not parse is left out (it stays as it is)."""
    per_file: dict[str, list[tuple[Sequence[Outcome], Result]]] = defaultdict(list)
    for (path, _, outs), done in zip(jobs, results, strict=True):
        per_file[path].append((outs, done))
    by_path: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_path[outcome.finding.path].append(outcome)
    planned = {}
    for path in sorted(set(by_path) | set(per_file)):
        state = states.get(path)
        if state is not None and state.parses:
            planned[path] = plan(state, by_path[path], per_file[path], reviewing=reviewing)
    return planned


def _analyzer_spans(outcome: Outcome, text: str, starts: Sequence[int], newline: str) -> list[Span]:
    fix = outcome.finding.fix
    if fix is None:  # status "fixable" with fix="analyzer" implies an edit; nothing to add
        return []
    return [
        Span(s.start, s.end, source.match_newlines(s.content, newline))
        for s in (edits.to_span(e, starts, text) for e in fix.edits)
    ]


def plan(
    state: FileState,
    outcomes: Sequence[Outcome],
    codemod_results: Sequence[tuple[Sequence[Outcome], Result]],
    *,
    reviewing: Reviewing | None = None,
) -> FileResult:
    """Merge the file's fixes in priority order (overlapping ones wait for the next pass), each
    one reviewed first (comments kept, lines within the project's limit), then check that the
    result still parses and compiles; otherwise keep the file as it was."""
    text, newline = state.source.text, state.source.newline
    starts = edits.line_starts(text)
    groups: list[tuple[tuple[str, ...], str, list[Span]]] = []  # (fingerprints, key, spans)
    unfixed: dict[str, str] = {}

    def reviewed(key: str, spans: list[Span], fixing: Sequence[Outcome]) -> None:
        fingerprints = tuple(o.fingerprint for o in fixing)
        codes = {o.finding.code for o in fixing}
        about = _about(fixing)
        done = review(state.path, text, spans, reviewing=reviewing, about=about, codes=codes)
        if isinstance(done, str):
            unfixed.update(dict.fromkeys(fingerprints, done))
        else:
            groups.append((fingerprints, key, done))

    for outcome in outcomes:
        if outcome.status == "fixable" and outcome.rule.fix == "analyzer":
            order = ordering.reads_order(outcome.finding.code, text)
            if order:
                unfixed[outcome.fingerprint] = order
                continue
            key = f"{outcome.priority}{outcome.finding.line:09d}"
            spans = _analyzer_spans(outcome, text, starts, newline)
            reviewed(key, spans, [outcome])
    for outs, result in codemod_results:
        if isinstance(result, Skipped):
            unfixed.update({o.fingerprint: result.reason for o in outs})
            continue
        unfixed.update({outs[i].fingerprint: reason for i, reason in result.skipped})
        if isinstance(result, Fixed) and result.text != text:
            first = min((outs[i] for i in result.fixed), key=lambda o: (o.priority, o.finding.line))
            key = f"{first.priority}{first.finding.line:09d}"
            spans = [
                Span(s.start, s.end, source.match_newlines(s.content, newline))
                for s in edits.spans_between(text, result.text)
            ]
            done = [outs[i] for i in result.fixed]
            reviewed(key, spans, done)
    return _merged(state, groups, unfixed)


def _merged(
    state: FileState,
    groups: list[tuple[tuple[str, ...], str, list[Span]]],
    unfixed: dict[str, str],
) -> FileResult:
    """The reviewed groups merged in order, and the file checked: what the pass writes."""
    text = state.source.text
    groups.sort(key=lambda g: g[1])
    spans, chosen = edits.merge([g[2] for g in groups])
    if not chosen:
        return FileResult(state.path, unfixed=unfixed)
    after = edits.apply(text, spans)
    applied = tuple(fp for i in chosen for fp in groups[i][0])
    problem = _check(after, state)
    if problem:
        reason = f"fix left the file broken ({problem}); file kept as it was"
        dropped = dict.fromkeys(applied, reason)
        return FileResult(state.path, unfixed={**unfixed, **dropped}, problem=problem)
    kept = tuple((groups[i][0], tuple(groups[i][2])) for i in chosen)
    return FileResult(state.path, after=after, applied=applied, unfixed=unfixed, groups=kept)


def _about(outcomes: Sequence[Outcome]) -> set[int]:
    """The flagged lines of fixes whose subject is a comment there (RUF100 and its kind)."""
    return {
        line
        for o in outcomes
        if o.finding.code in comments.ABOUT_COMMENTS
        for line in range(o.finding.line, max(o.finding.line, o.finding.end_line) + 1)
    }


def _check(after: str, state: FileState) -> str:
    """Why `after` must not be written, or "" when it parses, compiles and encodes."""
    try:
        compile(after, state.path, "exec", dont_inherit=True)
        source.encode(state.source, after)
    except SyntaxError as exc:
        return f"SyntaxError: {exc.msg} at line {exc.lineno}"
    except (ValueError, RecursionError, MemoryError, source.SourceError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def propose(
    outcomes: Sequence[Outcome],
    texts: Mapping[str, str],
    *,
    timeout: float,
    target: str | None = None,
    reviewing: Reviewing | None = None,
    settings: Mapping[str, float] | None = None,
) -> dict[str, Proposal]:
    """Plan each outcome's fix alone (one codemod job per finding, in the worker, the same
    codemods --fix runs, reviewed as --fix reviews them), so every proposal is exactly the
    change `heal approve` would make."""
    proposals: dict[str, Proposal] = {}
    jobs: list[tuple[str, str, Sequence[Outcome]]] = []
    for o in outcomes:
        if o.finding.path not in texts:
            proposals[o.fingerprint] = Proposal(o.fingerprint, "", "the file could not be read")
        elif o.rule.fix == "analyzer" and o.finding.fix is not None and o.finding.fix.edits:
            proposals[o.fingerprint] = _analyzer_proposal(
                o, texts[o.finding.path], reviewing=reviewing
            )
        elif o.rule.fix in ("none", "analyzer"):
            why = "no automatic fix for this rule"
            proposals[o.fingerprint] = Proposal(o.fingerprint, "", why)
        else:
            jobs.append((o.rule.fix, texts[o.finding.path], [o]))
    results = run_codemods(jobs, timeout=timeout, target=target, settings=settings) if jobs else []
    for (_, text, (o,)), result in zip(jobs, results, strict=True):
        proposals[o.fingerprint] = _proposal(o, text, result, reviewing=reviewing)
    return proposals


def _analyzer_proposal(o: Outcome, text: str, *, reviewing: Reviewing | None) -> Proposal:
    """The analyzer's own edit for one finding (ruff's), applied alone to the file's text."""
    newline = source.dominant_newline(text)
    spans = sorted(
        _analyzer_spans(o, text, edits.line_starts(text), newline), key=lambda s: s.start
    )
    done = Fixed(edits.apply(text, spans), (0,))
    return _proposal(o, text, done, reviewing=reviewing)


def _proposal(
    o: Outcome,
    text: str,
    result: Result,
    *,
    reviewing: Reviewing | None = None,
) -> Proposal:
    fp, path = o.fingerprint, o.finding.path
    if isinstance(result, Skipped):
        return Proposal(fp, "", result.reason)
    if not isinstance(result, Fixed) or result.text == text:
        return Proposal(fp, "", dict(result.skipped).get(0, "the codemod made no change"))
    try:
        compile(result.text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return Proposal(fp, "", f"the fix would not compile: {exc}")
    spans = edits.spans_between(text, result.text)
    codes = (o.finding.code,)
    done = review(path, text, spans, reviewing=reviewing, about=_about([o]), codes=codes)
    if isinstance(done, str):
        return Proposal(fp, "", done)
    return Proposal(fp, unified(path, text, edits.apply(text, done)))
