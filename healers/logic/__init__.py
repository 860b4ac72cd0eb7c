"""Logic healer: heal's own libcst rules for code that cannot do what it says, and ruff's logic
codes (F, B, PLE, PLW, ...) -> the logic codemods, each proposed for a human's approval."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from healers import claims
from healers.finding import Category, Finding

if TYPE_CHECKING:
    from healers.analysis import RuleTable
    from healers.codemod import Codemods


CATEGORY: Category = "logic"
TOOLS: tuple[str, ...] = ("ruff", "heal")  # the analyzers whose codes it claims


def parse(tool: str, output: str, root: str) -> list[Finding]:
    """The findings of `tool`'s output that are this healer's: the catalogue files them under
    rules/logic/ or its prefix tables give them the category logic."""
    return claims.claimed(CATEGORY, tool, output, root)


def analyze_project(sources: Mapping[str, str]) -> list[Finding]:
    """No whole-project analysis of its own."""
    return []


def own_rules() -> RuleTable:
    """heal's own per-file rules of this category (run in the worker, one libcst pass for all)."""
    from healers.logic.rules import RULES

    return RULES


def codemods_by_name() -> Codemods:
    from healers.logic.codemods import CODEMODS

    return CODEMODS
