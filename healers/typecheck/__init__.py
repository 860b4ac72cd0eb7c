"""Type healer: mypy's findings (and ruff's ANN, PYI and FA codes) -> the type codemods,
whose fixes are checked by running mypy again (a pass that adds a type error is rolled back)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from healers import claims
from healers.finding import Category, Finding

if TYPE_CHECKING:
    from healers.analysis import RuleTable
    from healers.codemod import Codemods


CATEGORY: Category = "type"
TOOLS: tuple[str, ...] = ("mypy", "ruff")  # the analyzers whose codes it claims


def parse(tool: str, output: str, root: str) -> list[Finding]:
    """The findings of `tool`'s output that are this healer's: the catalogue files them under
    rules/type/ or its prefix tables give them the category type."""
    return claims.claimed(CATEGORY, tool, output, root)


def analyze_project(sources: Mapping[str, str]) -> list[Finding]:
    """No whole-project analysis of its own."""
    return []


def own_rules() -> RuleTable:
    """No per-file rules of its own."""
    return {}


def codemods_by_name() -> Codemods:
    from healers.typecheck.codemods import CODEMODS

    return CODEMODS
