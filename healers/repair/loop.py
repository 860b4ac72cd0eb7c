"""One `heal repair` round: the suite in a scratch copy, then for each failing test up to
`max-attempts` patches from the model, each checked with the whole suite and the last failure fed
back; the first that holds is queued (and, with --commit, committed on a branch of its own)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from healers import state, write
from healers.errors import UsageError
from healers.llm import redact, reply
from healers.llm.client import Answer, Provider, RequestFailed
from healers.llm.prompt import Message
from healers.llm.propose import WATCH_EVERY
from healers.options import Options
from healers.repair import check, land, prompt, suite, writable
from healers.repair.check import Case
from healers.repair.records import Attempt, Repair, Round
from healers.repair.scratch import Copy
from healers.state import audit, control, repairs


def command_of(opts: Options, given: str | None) -> str:
    return given or opts.test_cmd or opts.verify_cmd or opts.config.verify_cmd or suite.DEFAULT


def main(opts: Options, given: str | None) -> int:
    if opts.untrusted:
        raise UsageError("heal repair runs the project's tests: not with --untrusted")
    from healers.repair import report  # after the checks: what it prints is the last step

    start = time.monotonic()
    conf, proj = opts.config, opts.project
    client = land.provider(opts) if conf.llm.configured else None  # a broken setup fails now
    where = writable.of(proj.root, conf.writable)
    with Copy(proj) as copy:
        baseline = suite.run(
            command_of(opts, given), copy.root, timeout=opts.verify_timeout, env=copy.env
        )
        todo = [Repair(f) for f in baseline.failures]
        done = Round(baseline.command, baseline, where, todo, conf.llm.model if client else "")
        if todo and client is not None:
            asyncio.run(_all(opts, done, client, copy))
        elif todo:
            for r in todo:
                r.why = "no model is configured ([tool.healers.llm] base-url and model)"
        elif client is not None:
            asyncio.run(client.close())
    done.seconds = time.monotonic() - start
    if opts.commit:
        done.notes += land.commit(opts, [r.entry for r in done.repairs if r.entry])
    report.show(opts, done)
    return 0 if not baseline.failures else 1


async def _all(opts: Options, done: Round, client: Provider, copy: Copy) -> None:
    env = redact.env_values(opts.project.root)
    known = repairs.load(opts.project.state_dir)
    budget = [opts.config.llm.max_requests]
    try:
        for r in done.repairs:
            if by := _repaired_by(done.repairs, r.failure.test):
                r.why = f"repaired too by {by} (its suite run passes it)"
                continue
            if why := _known(known, r.failure.test, opts.project.root):
                r.why = why
                continue
            case = Case(r.failure, done.baseline, copy, done.writable, opts.verify_timeout)
            await _one(opts, done, client, case, r, env, budget)
            if r.verdict is not None:
                r.entry = _entry(r, done)
        queued = {r.entry.id: r.entry for r in done.repairs if r.entry}
        if queued:
            state.ensure(opts.project.root)  # .heal/ and its .gitignore (repairs.json in it)
            repairs.put(opts.project.state_dir, queued)
    finally:
        await client.close()


def _repaired_by(done: Sequence[Repair], test: str) -> str:
    """The id of an earlier repair this round whose suite run passes `test` too, else ""."""
    for q in done:
        if q.entry is not None and q.verdict and q.verdict.suite and test in q.verdict.suite.passed:
            return q.entry.id
    return ""


def _known(known: dict[str, repairs.Entry], test: str, root: Path) -> str:
    """Why not to ask again: a repair of this test waits, or was rejected, for this very code."""
    for e in known.values():
        if e.test != test or repairs.void(e, root):
            continue
        if e.decision == repairs.WAITING:
            return f"the repair {e.id} already waits for it in `heal pending`"
        if e.decision == repairs.REJECTED:
            return f"{e.who} rejected the repair {e.id} for this code: {e.reason}"
    return ""


async def _one(
    opts: Options,
    done: Round,
    client: Provider,
    case: Case,
    r: Repair,
    env: Sequence[str],
    budget: list[int],
) -> None:
    state_dir, most = opts.project.state_dir, opts.config.repair.max_attempts
    if not done.writable.entries:
        r.why = "nothing is writable: no package folder found; set [tool.healers] writable"
        return
    asked = prompt.build(r.failure, case.copy.root, done.writable, env)
    r.prompt_hash, messages = asked.hash, asked.messages
    for n in range(1, most + 1):
        if control.stopped(state_dir):
            r.why = control.why_stopped(state_dir) + "; no model was asked"
            return
        if budget[0] <= 0:
            r.why = "the request budget (max-requests) was spent"
            return
        budget[0] -= 1
        done.requests += 1
        try:
            answer = await _ask(client, messages, lambda: control.stopped(state_dir))
        except RequestFailed as exc:
            r.why = f"the request failed: {exc}"
            return
        if answer is None:
            r.why = control.why_stopped(state_dir) + "; the request in flight was cancelled"
            return
        done.answers.append(answer)
        if why := reply.declined(answer.text):
            r.attempts.append(Attempt(n, f"the model found no safe fix: {why}"))
            r.why = "the model gave up"
            return
        verdict = await asyncio.to_thread(check.check, answer.text, asked, case)
        r.suite_runs += verdict.suite is not None
        r.attempts.append(Attempt(n, verdict.reason, verdict.checks))
        if not verdict.reason:
            r.verdict = verdict
            return
        if verdict.secret:
            r.why = "the reply held a secret; not asked again"
            return
        messages = prompt.retry(messages, answer.text, verdict.reason, asked.redactor)
    r.why = f"gave up after {most} attempt(s) (max-attempts)"


async def _ask(
    client: Provider, messages: Sequence[Message], stopped: Callable[[], bool]
) -> Answer | None:
    """The model's answer; None when `heal stop` came first (the request is cancelled)."""
    task = asyncio.create_task(client.ask(messages))
    while not task.done():
        if stopped():
            task.cancel()
            return None
        await asyncio.wait({task}, timeout=WATCH_EVERY)
    return task.result()


def _entry(r: Repair, done: Round) -> repairs.Entry:
    v = r.verdict
    assert v is not None  # nosec B101 - only called for a patch that held
    digest = write.sha256(f"{r.failure.test}\n{v.diff}".encode())[:16]
    return repairs.Entry(
        id=digest,
        test=r.failure.test,
        message=r.failure.message.splitlines()[0] if r.failure.message else "",
        before=tuple((p, write.sha256(b)) for p, b in v.before.items()),
        after=tuple(v.after.items()),
        diff=v.diff,
        checks=v.checks,
        command=done.command,
        model=done.model,
        prompt_hash=r.prompt_hash,
        attempts=len(r.attempts),
        suite_runs=r.suite_runs,
        when=audit.now_iso(),
    )
