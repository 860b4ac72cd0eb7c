"""Cheap first looks, stdlib only, run in heal's own process before a codemod job is sent to a
worker: the findings a look refuses are reported unfixed with the words the codemod would use,
and a job left with none starts no worker and parses nothing with libcst. A look says only what
is certain; everything else goes to the codemod (which takes the same look again)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from healers.finding import Finding
from healers.imports import runtime_uses
from healers.results import Fixed, Result, Skipped, Unchanged

# (the file's text, the findings the job is for) -> index -> why the codemod leaves it alone
Look = Callable[[str, Sequence[Finding]], dict[int, str]]


def _cycle_imports(text: str, findings: Sequence[Finding]) -> dict[int, str]:
    uses = runtime_uses.Uses(text)
    said = {i: uses.refusal(f.line) for i, f in enumerate(findings)}
    return {i: why for i, why in said.items() if why is not None}


LOOKS: dict[str, Look] = {
    "MoveImportUnderTypeChecking": _cycle_imports,
}


@dataclass(frozen=True)
class Looked:
    """A codemod job after its first look: the findings still for the worker, the refused."""

    findings: tuple[Finding, ...]
    refused: Mapping[int, str]  # index in the job -> why the codemod leaves it alone

    @property
    def kept(self) -> tuple[int, ...]:
        return tuple(i for i in range(len(self.findings)) if i not in self.refused)

    @property
    def found(self) -> list[Finding]:
        """The findings the worker is sent."""
        return [self.findings[i] for i in self.kept]

    def joined(self, result: Result | None) -> Result:
        """The job's result for all its findings: the worker's for those it was sent (None: it
        was sent none), the first look's refusals for the others."""
        if not self.refused and result is not None:
            return result
        kept, refusals = self.kept, tuple(sorted(self.refused.items()))
        if result is None:
            return Unchanged(refusals)
        if isinstance(result, Skipped):  # the file was not worked on: each finding sent says why
            return Unchanged(tuple(sorted((*refusals, *((i, result.reason) for i in kept)))))
        skipped = tuple(sorted((*refusals, *((kept[i], why) for i, why in result.skipped))))
        if isinstance(result, Fixed):
            return Fixed(result.text, tuple(kept[i] for i in result.fixed), skipped)
        return Unchanged(skipped)


def look(codemod: str, text: str, findings: Sequence[Finding]) -> Looked:
    """The job's findings the codemod's first look refuses (by index), with the reason."""
    first = LOOKS.get(codemod)
    return Looked(tuple(findings), first(text, findings) if first is not None else {})
