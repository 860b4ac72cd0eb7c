"""Codemod registry: name (a rule's `fix`) -> function(source, findings) -> Transformed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from healers.codemods import imports
from healers.finding import Finding, Transformed

Codemod = Callable[[str, Sequence[Finding]], Transformed]

CODEMODS: dict[str, Codemod] = {
    "AddStdlibImport": imports.add_stdlib_import,
    "MoveImportUnderTypeChecking": imports.move_import_under_type_checking,
}
