"""Codemod registry: name (a rule's `fix`) -> function(source, findings, target) -> Transformed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from healers.codemods import hints, imports, optional, silencers
from healers.finding import Finding, Transformed


class Codemod(Protocol):
    """`target`: the oldest Python the project admits, (3, 9), or None when it does not say."""

    def __call__(
        self, source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None, /
    ) -> Transformed: ...


CODEMODS: dict[str, Codemod] = {
    "AddReturnNone": optional.add_return_none,
    "AddStdlibImport": imports.add_stdlib_import,
    "AnnotateEmptyLiteral": hints.annotate_empty_literal,
    "AnnotateReturn": hints.annotate_return,
    "GuardNone": optional.guard_none,
    "MakeOptionalExplicit": optional.make_optional_explicit,
    "MoveImportUnderTypeChecking": imports.move_import_under_type_checking,
    "RemoveUnusedIgnore": silencers.remove_unused_ignore,
    "UnwrapRedundantCast": silencers.unwrap_redundant_cast,
    "UseTypingName": hints.use_typing_name,
}
