"""Import codemods, by name (a rule's `fix`): this healer's literal registry."""

from __future__ import annotations

from healers.codemod import Codemods
from healers.imports.stdlib import AddStdlibImport
from healers.imports.type_checking import MoveImportUnderTypeChecking

CODEMODS: Codemods = {
    "AddStdlibImport": AddStdlibImport,
    "MoveImportUnderTypeChecking": MoveImportUnderTypeChecking,
}
