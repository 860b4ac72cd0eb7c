"""Security healer: bandit's findings (and ruff's S codes) -> the security codemods; a
HIGH-severity finding waits for a human (the approval gate) whatever the fix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from healers import claims
from healers.finding import Category, Finding

if TYPE_CHECKING:
    from healers.analysis import RuleTable
    from healers.codemod import Codemods


CATEGORY: Category = "security"
TOOLS: tuple[str, ...] = ("bandit", "ruff")  # the analyzers whose codes it claims


def parse(tool: str, output: str, root: str) -> list[Finding]:
    """The findings of `tool`'s output that are this healer's: the catalogue files them under
    rules/security/ or its prefix tables give them the category security."""
    return claims.claimed(CATEGORY, tool, output, root)


def analyze_project(sources: Mapping[str, str]) -> list[Finding]:
    """No whole-project analysis of its own."""
    return []


def own_rules() -> RuleTable:
    """No per-file rules of its own."""
    return {}


def codemods_by_name() -> Codemods:
    from healers.security.codemods import CODEMODS

    return CODEMODS
