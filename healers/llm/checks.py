"""The checks a model's patch passes before a person sees it, in the scratch copy: it is a diff
of the finding's file only, holds no new secret, applies with `git apply`, changes only what the
model was shown, compiles, the finding is gone, nothing new appears, the verify command passes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from healers import source
from healers.finding import Outcome, Source
from healers.llm import reply
from healers.llm.prompt import Window
from healers.llm.redact import Redactor
from healers.llm.scratch import FindingCounts, Scratch
from healers.report.diff import unified
from healers.tools import patch

PLACEHOLDER = re.compile(r"<redacted-\d+>")


@dataclass(frozen=True)
class Job:
    """One finding to propose a patch for, with the file as it was read."""

    outcome: Outcome
    data: bytes
    source: Source
    redactor: Redactor
    window: Window

    @property
    def path(self) -> str:
        return self.outcome.finding.path


@dataclass(frozen=True)
class Verdict:
    reason: str = ""  # "" when every check passed
    checks: tuple[str, ...] = ()
    after: str = ""  # the file's text with the patch
    diff: str = ""  # heal's own diff of it
    secret: bool = False  # the reply brought a secret: never stored, never sent back


class Failed(Exception):
    """A check failed: the message is the reason (for the report and the model)."""


def _diff(job: Job, text: str, root: Path) -> str:
    diff = reply.extract(job.redactor.restore(text), job.path)
    found = patch.touched(diff, root)
    if isinstance(found, str):
        raise Failed(f"git cannot read the patch: {found}")
    others = sorted({p for p in found.paths if p != job.path})
    if others:
        raise Failed(f"the patch touches another file ({', '.join(others)}); only {job.path} may")
    if found.summary:
        raise Failed(f"the patch creates, deletes or renames a file ({found.summary[0]})")
    if any(PLACEHOLDER.search(line) for line in reply.added(diff)):
        raise Failed("the patch adds a <redacted-N> placeholder heal did not send")
    return diff


def _apply(scratch: Scratch, job: Job, diff: str) -> str:
    scratch.put(job.path, job.data)
    problem = patch.apply(diff, scratch.root)
    if problem:
        raise Failed(f"the patch does not apply: {problem}")
    try:
        after = source.read_source((scratch.root / job.path).read_bytes())
    except (OSError, source.SourceError) as exc:
        raise Failed(f"the patched file cannot be read: {exc}") from None
    if after.encoding != job.source.encoding:
        raise Failed(f"the patch changes the file's encoding ({after.encoding})")
    if after.text == job.source.text:
        raise Failed("the patch changes nothing")
    return after.text


def _bounds(job: Job, after: str) -> None:
    view = job.window
    for first, last in reply.changed(job.source.text, after):
        if not view.allows(first, last):
            where = f"line {first}" if last <= first else f"lines {first}-{last}"
            raise Failed(
                f"the patch changes {where}, outside what it was shown (lines "
                f"{view.first}-{view.last}"
                + (f" and the imports, 1-{view.head})" if view.head else ")")
            )


def _compiles(job: Job, after: str) -> None:
    try:
        compile(after, job.path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise Failed(f"the patched file does not compile: {exc.msg} at line {exc.lineno}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise Failed(f"the patched file does not compile: {exc}") from None


def _findings(job: Job, before: FindingCounts, after: FindingCounts) -> tuple[str, str]:
    code = job.outcome.finding.code
    if after[code] >= before[code]:
        raise Failed(
            f"the finding is still there after the patch ({code} at line "
            f"{job.outcome.finding.line})"
        )
    new = sorted(c for c in after if after[c] > before[c])
    if new:
        more = ", ".join(f"{c} ({after[c] - before[c]} more)" for c in new)
        raise Failed(f"the patch adds findings: {more}")
    gone = f"finding gone ({code}: {before[code]} -> {after[code]} in the file)"
    return gone, "nothing new from the analyzers"


def check(scratch: Scratch, job: Job, text: str, stopped: Callable[[], bool]) -> Verdict:
    """Every check on one reply; the copy's file is put back as it was, whatever happens."""
    try:
        diff = _diff(job, text, scratch.root)
    except (reply.NotAPatch, Failed) as exc:
        return Verdict(str(exc))
    if job.redactor.new_secret(reply.added(diff), job.source.text):
        why = "the reply holds what looks like a secret that is not in the file; refused, not kept"
        return Verdict(why, secret=True)
    try:
        return _run(scratch, job, diff, stopped)
    except Failed as exc:
        return Verdict(str(exc))
    finally:
        scratch.put(job.path, job.data)


def _run(scratch: Scratch, job: Job, diff: str, stopped: Callable[[], bool]) -> Verdict:
    before = scratch.baseline(job.path, job.data)
    if scratch.opts.verify_cmd:
        scratch.verify_baseline()  # on the copy without the patch
    after = _apply(scratch, job, diff)
    checks = ["applies (git apply)"]
    _bounds(job, after)
    _compiles(job, after)
    checks += ["changes only the code it was shown", "compiles"]
    if stopped():
        raise Failed("heal stop: the checks were not finished")
    checks += _findings(job, before, scratch.findings(job.path))
    if scratch.opts.verify_cmd:
        passed, said = scratch.run_verify()
        if not passed:
            raise Failed(said)
        checks.append(said)
    elif scratch.opts.untrusted:
        checks.append("verify-cmd not run (--untrusted)")
    else:
        checks.append("no verify-cmd configured")
    return Verdict("", tuple(checks), after, unified(job.path, job.source.text, after))
