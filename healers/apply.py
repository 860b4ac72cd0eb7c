"""Stages 5 and 7, apply and write: per-file transactions that never raise past a file."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healers import codemod, edits, files, tools
from healers.codemod import Fixed, Result, Skipped
from healers.finding import Outcome, Source
from healers.tools import worker

WORKER_BATCH = 50  # files per codemod worker process


@dataclass(frozen=True)
class FileState:
    """One selected file as read at the start of a pass."""

    path: str
    data: bytes
    source: Source
    parses: bool
    scopes: tuple[tuple[int, int, str], ...] = ()  # functions and classes, for fingerprints


@dataclass(frozen=True)
class FileResult:
    """What happened to one file in one pass: `after` is None when it was left unchanged."""

    path: str
    after: str | None = None
    applied: tuple[str, ...] = ()  # fingerprints of the outcomes whose fix is in `after`
    unfixed: dict[str, str] = field(default_factory=dict)  # fingerprint -> reason
    problem: str = ""  # why the file was skipped or its fixes dropped
    # the fixes in `after`, each (fingerprints, spans on the text read): what verify can take back
    groups: tuple[tuple[tuple[str, ...], tuple[edits.Span, ...]], ...] = ()


def _analyzer_spans(
    outcome: Outcome, text: str, starts: list[int], newline: str
) -> list[edits.Span]:
    fix = outcome.finding.fix
    if fix is None:  # status "fixable" with fix="analyzer" implies an edit; nothing to add
        return []
    return [
        edits.Span(s.start, s.end, files.match_newlines(s.content, newline))
        for s in (edits.to_span(e, starts, text) for e in fix.edits)
    ]


def run_codemods(
    jobs: Sequence[tuple[str, str, Sequence[Outcome]]],
    *,
    timeout: float,
    target: str | None = None,
) -> list[Result]:
    """Run codemod jobs (codemod name, text, outcomes) in worker processes, batched; a job that
    hangs or crashes its worker is Skipped and the jobs after it are retried."""
    version = codemod.version(target)
    payloads = [
        json.dumps(worker.encode_job(name, text, [o.finding for o in outs], version))
        for name, text, outs in jobs
    ]
    return [
        codemod.decode(raw) for raw in run_jobs(payloads, timeout=timeout, failed="codemod skipped")
    ]


def run_jobs(payloads: Sequence[str], *, timeout: float, failed: str) -> list[dict[str, Any] | str]:
    """Worker jobs (JSON) in batches, one decoded result each; a job that hangs or kills its
    worker becomes the string "<failed>: libcst <why>" and the jobs after it get a new worker."""
    results: list[dict[str, Any] | str] = []
    while len(results) < len(payloads):
        batch = payloads[len(results) : len(results) + WORKER_BATCH]
        lines, failure = tools.run_worker(batch, timeout=timeout)
        results += [json.loads(line) for line in lines]
        if failure:
            results.append(f"{failed}: libcst {failure}")
    return results


def plan(
    state: FileState,
    outcomes: Sequence[Outcome],
    codemod_results: Sequence[tuple[Sequence[Outcome], Result]],
) -> FileResult:
    """Merge the file's fixes in priority order (overlapping ones wait for the next pass), then
    check that the result still parses and compiles; otherwise keep the file as it was."""
    text, newline = state.source.text, state.source.newline
    starts = edits.line_starts(text)
    groups: list[tuple[tuple[str, ...], str, list[edits.Span]]] = []  # (fingerprints, key, spans)
    unfixed: dict[str, str] = {}
    for outcome in outcomes:
        if outcome.status == "fixable" and outcome.rule.fix == "analyzer":
            key = f"{outcome.priority}{outcome.finding.line:09d}"
            spans = _analyzer_spans(outcome, text, starts, newline)
            groups.append(((outcome.fingerprint,), key, spans))
    for outs, result in codemod_results:
        if isinstance(result, Skipped):
            unfixed.update({o.fingerprint: result.reason for o in outs})
            continue
        unfixed.update({outs[i].fingerprint: reason for i, reason in result.skipped})
        if isinstance(result, Fixed) and result.text != text:
            first = min((outs[i] for i in result.fixed), key=lambda o: (o.priority, o.finding.line))
            key = f"{first.priority}{first.finding.line:09d}"
            spans = [
                edits.Span(s.start, s.end, files.match_newlines(s.content, newline))
                for s in edits.spans_between(text, result.text)
            ]
            groups.append((tuple(outs[i].fingerprint for i in result.fixed), key, spans))
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


def _check(after: str, state: FileState) -> str:
    """Why `after` must not be written, or "" when it parses, compiles and encodes."""
    try:
        compile(after, state.path, "exec", dont_inherit=True)
        files.encode(state.source, after)
    except SyntaxError as exc:
        return f"SyntaxError: {exc.msg} at line {exc.lineno}"
    except (ValueError, RecursionError, MemoryError, files.SourceError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def write(root: Path, repo: Path, state: FileState, after: str) -> str:
    """Write one file atomically unless it changed on disk since it was read; "" or a problem."""
    path = root / state.path
    try:
        if path.read_bytes() != state.data:
            return "changed on disk during the run; left alone"
        files.write_atomic(path, files.encode(state.source, after), root=repo)
    except (OSError, files.SourceError, files.WriteError) as exc:
        return f"not written: {exc}"
    return ""


def codemod_jobs(outcomes: Sequence[Outcome]) -> list[tuple[str, str, list[Outcome]]]:
    """(path, codemod, outcomes) for each file's fixable outcomes whose rule names a codemod."""
    grouped: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.status == "fixable" and outcome.rule.fix not in ("analyzer", "none"):
            grouped[(outcome.finding.path, outcome.rule.fix)].append(outcome)
    return [(path, name, outs) for (path, name), outs in sorted(grouped.items())]
