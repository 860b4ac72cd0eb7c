"""`heal --scan --propose`: for each finding no codemod fixes, in priority order and within the
budget, ask the model for a patch (at most `max-concurrent` requests at once), check it in the
scratch copy, retry once with the failure fed back, and queue what passes for a decision."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from healers import config, source, write
from healers.errors import ProviderError
from healers.finding import ModelRun, Outcome
from healers.llm import checks, prompt, redact, reply, settings
from healers.llm.checks import Job, Verdict
from healers.llm.client import Answer, Provider, RequestFailed
from healers.llm.scratch import Scratch
from healers.options import Options
from healers.state import audit, control, patterns, proposals
from healers.state.proposals import Entry

WATCH_EVERY = 0.1  # seconds between two looks at `heal stop`


@dataclass
class _Result:
    job: Job
    prompt: prompt.Prompt
    verdict: Verdict | None = None  # None: no patch came back
    why: str = ""  # dropped or not asked: why
    asked: bool = False
    tries: int = 0


@dataclass
class _Session:
    """One --propose run's shared state (in one event loop: no locks needed for the counts)."""

    provider: Provider
    scratch: Scratch
    stopped: Callable[[], bool]
    budget: int
    limit: asyncio.Semaphore
    checking: asyncio.Lock = field(default_factory=asyncio.Lock)
    answers: list[Answer] = field(default_factory=list)
    requests: int = 0
    fatal: ProviderError | None = None

    async def ask(self, messages: Sequence[prompt.Message]) -> Answer:
        async with self.limit:
            if self.stopped():  # the stop came while this one waited for its turn
                raise asyncio.CancelledError
            self.requests += 1
            answer = await self.provider.ask(messages)
        self.answers.append(answer)
        return answer

    async def one(self, result: _Result) -> _Result:
        messages = result.prompt.messages
        for attempt in (1, 2):
            if self.budget <= 0:
                spent = "the request budget (max-requests) was spent"
                result.why = spent if attempt == 1 else f"{result.why}; no request left to retry"
                return result
            self.budget -= 1
            try:
                answer = await self.ask(messages)
            except RequestFailed as exc:
                result.why = f"the request failed: {exc}"
                return result
            result.asked, result.tries = True, attempt
            if why := reply.declined(answer.text):
                first = "" if attempt == 1 else f" (first try: {result.why})"
                result.why = f"the model found no safe fix: {why}{first}"
                return result
            async with self.checking:  # one scratch copy: one check at a time
                verdict = await asyncio.to_thread(
                    checks.check, self.scratch, result.job, answer.text, self.stopped
                )
            result.verdict = verdict
            if not verdict.reason:
                return result
            first = "" if attempt == 1 else f" (first try: {result.why})"
            result.why = verdict.reason + first
            if verdict.secret:
                return result
            messages = prompt.retry(result.prompt, answer.text, verdict.reason, result.job.redactor)
        return result


async def _guarded(session: _Session, result: _Result) -> _Result:
    try:
        return await session.one(result)
    except asyncio.CancelledError:
        result.why = result.why or "heal stop: model work was stopped"
        return result
    except ProviderError as exc:
        session.fatal = session.fatal or exc
        return result


async def _all(session: _Session, results: list[_Result]) -> list[_Result]:
    tasks = [asyncio.create_task(_guarded(session, r)) for r in results]
    while not all(t.done() for t in tasks):
        if session.stopped() or session.fatal is not None:  # at once: requests in flight too
            for t in tasks:
                t.cancel()
            break
        await asyncio.wait(tasks, timeout=WATCH_EVERY)
    done = await asyncio.gather(*tasks, return_exceptions=True)
    await session.provider.close()
    return [d if isinstance(d, _Result) else r for d, r in zip(done, results, strict=True)]


def _job(opts: Options, o: Outcome, env: Sequence[str]) -> _Result | str:
    """The job and prompt for one finding, or why it is not asked about."""
    proj, f = opts.project, o.finding
    path = proj.root / f.path
    if path.is_symlink():
        return "the file is a link"
    try:
        data = path.read_bytes()
        text = source.read_source(data)
        tree = ast.parse(text.text)
    except (OSError, source.SourceError, SyntaxError, ValueError) as exc:
        return f"the file cannot be read or parsed: {exc}"
    redactor = redact.for_file(text.text, env)
    shown = patterns.similar(proj.state_dir, o.rule.id, prompt.query(o, text.text))
    built = prompt.build(o, text.text, tree, redactor, shown)
    return _Result(Job(o, data, text, redactor, built.window), built)


def _known(entry: Entry | None, data_sha: str) -> str:
    if entry is None or entry.file_sha256 != data_sha:
        return ""
    if entry.decision == proposals.REJECTED:
        return f"{entry.who} rejected the model's patch for this code: {entry.reason}"
    if entry.decision == proposals.WAITING:
        return "a model-proposed fix already waits for it in `heal pending`"
    return ""  # approved, then the code came back (heal undo, a checkout): asked again


def _where(o: Outcome) -> str:
    return f"{o.finding.path}:{o.finding.line} {o.finding.code}"


def candidates(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The findings a model may be asked about: no codemod or analyzer fix, in priority order."""
    return [
        o
        for o in outcomes
        if o.status == "unfixable"
        and not o.finding.code.startswith(
            ("heal:syntax-error", "heal:unreadable-file", "heal:analyzer-crash", "heal:analysis")
        )
    ]


def provider(opts: Options) -> Provider:
    """The client for the configured endpoint; nothing is sent yet. A missing setting or key
    is an error before any work."""
    if opts.untrusted and opts.config.llm.api_key_env:
        raise config.ConfigError(
            "--untrusted: heal sends no key to the endpoint an untrusted project's "
            "[tool.healers.llm] names (api-key-env is set); use an endpoint that needs none, "
            "or run trusted"
        )
    try:
        key = settings.api_key(opts.config.llm)
    except settings.SettingError as exc:
        raise config.ConfigError(str(exc)) from None
    return Provider(opts.config.llm, key)


def run(opts: Options, outcomes: Sequence[Outcome], provider: Provider) -> ModelRun:
    """Ask, check and queue; what happened to each finding goes into the ModelRun."""
    conf, proj = opts.config.llm, opts.project
    queue = proposals.load(proj.state_dir)
    env = redact.env_values(proj.root)
    todo: list[_Result] = []
    skipped: list[tuple[str, str, str]] = []
    for o in candidates(outcomes):
        job = _job(opts, o, env)
        if isinstance(job, str):
            skipped.append((o.fingerprint, _where(o), job))
        elif known := _known(queue.get(o.fingerprint), write.sha256(job.job.data)):
            skipped.append((o.fingerprint, _where(o), known))
        else:
            todo.append(job)
    if control.stopped(proj.state_dir):
        why = control.why_stopped(proj.state_dir) + "; no model was asked"
        skipped += [(r.job.outcome.fingerprint, _where(r.job.outcome), why) for r in todo]
        todo = []
    if not todo:
        return _record(opts, [], skipped, None, [])
    with Scratch(opts) as scratch:
        session = _Session(
            provider,
            scratch,
            lambda: control.stopped(proj.state_dir),
            conf.max_requests,
            asyncio.Semaphore(conf.max_concurrent),
        )
        done = asyncio.run(_all(session, todo))
    if session.fatal is not None:
        raise session.fatal
    return _record(opts, done, skipped, session, scratch.notes)


def _record(
    opts: Options,
    done: Sequence[_Result],
    skipped: Sequence[tuple[str, str, str]],
    session: _Session | None,
    notes: Sequence[str],
) -> ModelRun:
    """Queue what passed, count proposals for the reuse rate, sum the cost."""
    conf, state_dir = opts.config.llm, opts.project.state_dir
    answers = session.answers if session else []
    queued: list[tuple[str, str, str]] = []
    dropped: list[tuple[str, str, str]] = []
    not_asked = list(skipped)
    entries: dict[str, Entry] = {}
    for r in done:
        o, where = r.job.outcome, _where(r.job.outcome)
        passed = r.verdict is not None and not r.verdict.reason
        if passed and r.verdict is not None:
            entries[o.fingerprint] = _entry(r, conf.model)
            queued.append((o.fingerprint, where, ", ".join(r.verdict.checks)))
        elif r.asked:
            dropped.append((o.fingerprint, where, r.why))
        else:
            not_asked.append((o.fingerprint, where, r.why))
        if r.asked:
            patterns.proposed(
                state_dir, o.fingerprint, o.rule.id, used=len(r.prompt.patterns), queued=passed
            )
    proposals.put(state_dir, entries)
    costs = [a.cost for a in answers if a.cost is not None]
    return ModelRun(
        model=conf.model,
        requests=session.requests if session else 0,
        prompt_tokens=sum(a.prompt_tokens for a in answers),
        completion_tokens=sum(a.completion_tokens for a in answers),
        cost=sum(costs) if costs else None,
        queued=tuple(queued),
        dropped=tuple(dropped),
        not_asked=tuple(not_asked),
        reused=sum(1 for r in done if r.asked and r.prompt.patterns),
        notes=tuple(notes),
    )


def _entry(r: _Result, model: str) -> Entry:
    assert r.verdict is not None  # nosec B101 - only called for a patch that passed
    f = r.job.outcome.finding
    return Entry(
        fingerprint=r.job.outcome.fingerprint,
        rule=r.job.outcome.rule.id,
        code=f.code,
        path=f.path,
        line=f.line,
        message=f.message.splitlines()[0] if f.message else "",
        file_sha256=write.sha256(r.job.data),
        diff=r.verdict.diff,
        after=r.verdict.after,
        checks=r.verdict.checks,
        model=model,
        prompt_hash=r.prompt.hash,
        patterns=r.prompt.patterns,
        tries=r.tries,
        when=audit.now_iso(),
    )
