"""The checks a repair passes before a person sees it, in the scratch copy: a diff that git reads,
only of files within `writable`, no file created or deleted, no new secret; it applies, every file
it touches compiles, the failing test passes and the whole suite loses no test that passed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from healers import source
from healers.llm import reply
from healers.llm.checks import PLACEHOLDER
from healers.repair import suite
from healers.repair.prompt import Prompt
from healers.repair.scratch import Copy
from healers.repair.suite import Failure, Result
from healers.repair.writable import Writable
from healers.report.diff import unified
from healers.tools import patch

MAX_NAMED = 5  # lost tests named in a reason


@dataclass(frozen=True)
class Verdict:
    reason: str = ""  # "" when every check passed
    checks: tuple[str, ...] = ()
    before: Mapping[str, bytes] = field(default_factory=dict)  # path -> bytes the patch was made on
    after: Mapping[str, str] = field(default_factory=dict)  # path -> the file's text with the patch
    diff: str = ""  # heal's own diff of every file
    suite: Result | None = None  # the suite's run with the patch (None: not run)
    secret: bool = False  # the reply brought a secret: never stored, never sent back


class Failed(Exception):
    """A check failed: the message is the reason (for the report and the model)."""


def _diff(text: str, asked: Prompt, copy: Copy, writable: Writable) -> tuple[str, tuple[str, ...]]:
    may = [p for p in asked.shown if not writable.why_not(p)]
    default = (may or [*asked.shown, ""])[0]  # for a reply of hunks without headers
    diff = reply.extract(asked.redactor.restore(text), default)
    found = patch.touched(diff, copy.root)
    if isinstance(found, str):
        raise Failed(f"git cannot read the patch: {found}")
    if found.summary:
        raise Failed(f"the patch creates, deletes or renames a file ({found.summary[0]})")
    paths = tuple(dict.fromkeys(found.paths))
    refused = [why for why in map(writable.why_not, paths) if why]
    if refused:
        raise Failed(f"the patch writes where a repair may not: {'; '.join(refused)}")
    if any(PLACEHOLDER.search(line) for line in reply.added(diff)):
        raise Failed("the patch adds a <redacted-N> placeholder heal did not send")
    return diff, paths


def _apply(
    copy: Copy, diff: str, paths: tuple[str, ...]
) -> tuple[dict[str, bytes], dict[str, str]]:
    before = {}
    for path in paths:
        data = copy.original(path)
        if data is None:
            raise Failed(f"the patch changes {path}, which is not a file of the project")
        before[path] = data
    problem = patch.apply(diff, copy.root)
    if problem:
        raise Failed(f"the patch does not apply: {problem}")
    after = {}
    for path in paths:
        try:
            old, new = source.read_source(before[path]), source.read_source(copy.read(path))
        except (OSError, source.SourceError) as exc:
            raise Failed(f"the patched {path} cannot be read: {exc}") from None
        if new.encoding != old.encoding:
            raise Failed(f"the patch changes the encoding of {path} ({new.encoding})")
        if path.endswith(".py"):
            try:
                compile(new.text, path, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                raise Failed(f"the patched {path} does not compile: {exc}") from None
        after[path] = new.text
    if all(after[p] == source.read_source(before[p]).text for p in paths):
        raise Failed("the patch changes nothing")
    return before, after


def _first(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _proven(failure: Failure, baseline: Result, run: Result) -> str:
    """What the suite run with the patch proves, or raises Failed with what it broke."""
    lost = sorted(baseline.passed - run.passed) if baseline.pytest else []
    if baseline.pytest:
        still = run.failed(failure.test)
    else:
        still = run.failures[0] if run.failures else None
    if still is not None:
        tail = "\n".join(still.traceback.strip().splitlines()[-25:])
        raise Failed(f"{failure.test} still fails: {_first(still.message)}\n{tail}")
    if baseline.pytest and failure.test not in run.passed:
        raise Failed(f"{failure.test} did not run with the patch")
    if lost:
        named = ", ".join(lost[:MAX_NAMED]) + (
            f" and {len(lost) - MAX_NAMED} more" if len(lost) > MAX_NAMED else ""
        )
        shown = [f for f in run.failures if f.test in lost[:2]]
        why = "; ".join(f"{f.test}: {_first(f.message)}" for f in shown)
        raise Failed(f"the patch breaks tests that passed: {named}" + (f" ({why})" if why else ""))
    if not baseline.pytest:
        return f"`{run.command}` passes with the patch (exit 0)"
    return (
        f"{failure.test} passes; the suite loses no test: {len(baseline.passed)} passed before, "
        f"{len(run.passed)} with the patch"
    )


@dataclass(frozen=True)
class Case:
    """One failing test to repair, and where its patches are tried."""

    failure: Failure
    baseline: Result  # the suite's run without any patch
    copy: Copy
    writable: Writable
    timeout: float  # seconds for one run of the suite


def check(text: str, asked: Prompt, case: Case) -> Verdict:
    """Every check on one reply; the copy is put back as it was, whatever happens."""
    copy = case.copy
    try:
        diff, paths = _diff(text, asked, copy, case.writable)
    except (reply.NotAPatch, Failed) as exc:
        return Verdict(str(exc))
    if asked.redactor.new_secret(reply.added(diff), asked.texts):
        why = "the reply holds what looks like a secret that is not in the code; refused, not kept"
        return Verdict(why, secret=True)
    run: Result | None = None
    try:
        before, after = _apply(copy, diff, paths)
        checks = ["applies (git apply)", f"within writable: {', '.join(paths)}", "compiles"]
        run = suite.run(case.baseline.command, copy.root, timeout=case.timeout, env=copy.env)
        checks.append(_proven(case.failure, case.baseline, run))
    except Failed as exc:
        return Verdict(str(exc), suite=run)
    finally:
        copy.restore()
    texts = {p: source.read_source(before[p]).text for p in paths}
    diffs = "".join(unified(p, texts[p], after[p]) for p in paths)
    return Verdict("", tuple(checks), before, after, diffs, run)
