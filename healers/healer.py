"""What a healer is: one per category, the analyzers whose codes it claims, its own rules and its
codemods. The heavy parts (libcst rules, codemods) are imported only where they run: the worker."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from healers import claims
from healers.finding import Category, Finding

if TYPE_CHECKING:
    from healers.analysis import RuleTable
    from healers.codemod import Codemods


def _nothing(sources: Mapping[str, str]) -> list[Finding]:
    return []


@dataclass(frozen=True)
class Healer:
    category: Category
    tools: tuple[str, ...]  # the analyzers whose codes it claims
    package: str  # healers.<package>: its codemods.py and, if it has own rules, rules.py
    has_codemods: bool = True  # False for style: ruff's own edits fix style findings
    has_rules: bool = False  # heal's own per-file libcst rules (performance, logic)
    # a whole-project analysis of its own (import cycles): sources by path -> findings
    analyze_project: Callable[[Mapping[str, str]], list[Finding]] = _nothing

    def parse(self, tool: str, output: str, root: str) -> list[Finding]:
        """The findings of `tool`'s output that are this healer's: the catalogue files them
        under rules/<category>/, or its prefix tables give them this category."""
        return claims.claimed(self.category, tool, output, root)

    def codemods_by_name(self) -> Codemods:
        if not self.has_codemods:
            return {}
        codemods: Codemods = importlib.import_module(f"healers.{self.package}.codemods").CODEMODS
        return codemods

    def own_rules(self) -> RuleTable:
        if not self.has_rules:
            return {}
        rules: RuleTable = importlib.import_module(f"healers.{self.package}.rules").RULES
        return rules
