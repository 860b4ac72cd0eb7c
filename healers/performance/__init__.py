"""Performance healer: heal's own libcst rules for slow patterns (most of them in loops) and
ruff's PERF, C4 and FURB codes -> the performance codemods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from healers import claims
from healers.finding import Category, Finding

if TYPE_CHECKING:
    from healers.analysis import RuleTable
    from healers.codemod import Codemods


CATEGORY: Category = "performance"
TOOLS: tuple[str, ...] = ("ruff", "heal")  # the analyzers whose codes it claims


def parse(tool: str, output: str, root: str) -> list[Finding]:
    """The findings of `tool`'s output that are this healer's: the catalogue files them under
    rules/performance/ or its prefix tables give them the category performance."""
    return claims.claimed(CATEGORY, tool, output, root)


def analyze_project(sources: Mapping[str, str]) -> list[Finding]:
    """No whole-project analysis of its own."""
    return []


def own_rules() -> RuleTable:
    """heal's own per-file rules of this category (run in the worker, one libcst pass for all)."""
    from healers.performance.rules import RULES

    return RULES


def codemods_by_name() -> Codemods:
    from healers.performance.codemods import CODEMODS

    return CODEMODS
