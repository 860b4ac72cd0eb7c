"""Style healer: ruff's style codes (E, W, UP, SIM, RUF, ...), fixed with ruff's own edits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from healers import claims
from healers.finding import Category, Finding

if TYPE_CHECKING:
    from healers.analysis import RuleTable
    from healers.codemod import Codemods


CATEGORY: Category = "style"
TOOLS: tuple[str, ...] = ("ruff",)  # the analyzers whose codes it claims


def parse(tool: str, output: str, root: str) -> list[Finding]:
    """The findings of `tool`'s output that are this healer's: the catalogue files them under
    rules/style/ or its prefix tables give them the category style."""
    return claims.claimed(CATEGORY, tool, output, root)


def analyze_project(sources: Mapping[str, str]) -> list[Finding]:
    """No whole-project analysis of its own."""
    return []


def own_rules() -> RuleTable:
    """No per-file rules of its own."""
    return {}


def codemods_by_name() -> Codemods:
    """None: ruff's own edits fix style findings."""
    return {}
