"""The six healers, one per category: what each claims, its own rules and its codemods."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from healers import imports, logic, performance, security, style, typecheck
from healers.finding import Category, Finding
from healers.healer import Healer

if TYPE_CHECKING:
    import libcst as cst

    from healers.analysis import Check, RuleTable
    from healers.codemod import Codemods, FindingCodemod


HEALERS: dict[Category, Healer] = {
    "type": typecheck.HEALER,
    "import": imports.HEALER,
    "style": style.HEALER,
    "security": security.HEALER,
    "performance": performance.HEALER,
    "logic": logic.HEALER,
}


def parse(tool: str, output: str, root: str) -> list[Finding]:
    """An analyzer's output, claimed healer by healer."""
    return [f for h in HEALERS.values() if tool in h.tools for f in h.parse(tool, output, root)]


@cache
def codemods() -> Codemods:
    """Every codemod by name (a rule's `fix`); a name used by two healers is an error."""
    found: dict[str, type[FindingCodemod]] = {}
    for healer in HEALERS.values():
        for name, codemod in healer.codemods_by_name().items():
            if name in found:
                raise ValueError(f"codemod {name} is registered by two healers")
            found[name] = codemod
    return found


@cache
def own_rules() -> RuleTable:
    """heal's own per-file rules of every healer, for the one libcst pass of the worker."""
    table: dict[str, tuple[type[cst.CSTNode], Check]] = {}
    for healer in HEALERS.values():
        table.update(healer.own_rules())
    return table


@cache
def own_table() -> dict[type[cst.CSTNode], list[Check]]:
    """Every healer's own rules by the node type they look at: the worker's one libcst pass."""
    from healers.analysis import dispatch

    return dispatch([own_rules()])
