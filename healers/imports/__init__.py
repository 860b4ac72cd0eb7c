"""Import healer: ruff's import codes (I, F401, ...), mypy's undefined names, and heal's own
analyzer of import cycles among the project's modules -> the import codemods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from healers import claims
from healers.finding import Category, Finding

if TYPE_CHECKING:
    from healers.analysis import RuleTable
    from healers.codemod import Codemods


CATEGORY: Category = "import"
TOOLS: tuple[str, ...] = ("ruff", "mypy")  # the analyzers whose codes it claims


def parse(tool: str, output: str, root: str) -> list[Finding]:
    """The findings of `tool`'s output that are this healer's: the catalogue files them under
    rules/import/ or its prefix tables give them the category import."""
    return claims.claimed(CATEGORY, tool, output, root)


def analyze_project(sources: Mapping[str, str]) -> list[Finding]:
    """Import cycles need the whole project: one finding per import statement on a cycle."""
    from healers.imports.cycles import find_cycles

    return find_cycles(sources)


def own_rules() -> RuleTable:
    """No per-file rules of its own."""
    return {}


def codemods_by_name() -> Codemods:
    from healers.imports.codemods import CODEMODS

    return CODEMODS
