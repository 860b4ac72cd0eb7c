"""Every rule id and code heal knows, for `--select` checks (the closest ids when one is not)
and for `heal rule`: the catalogue, heal's own rules, and the analyzers' own rule lists."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from healers import catalogue, registry, tools
from healers.config import ANALYZERS
from healers.finding import CATEGORIES, Finding
from healers.tools import ruff


@dataclass(frozen=True)
class Known:
    """A code heal can report: its tool-prefixed code, rule id, and the analyzer's explanation."""

    code: str
    rule_id: str
    explanation: str = ""


def kebab(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@cache
def ruff_rules() -> tuple[dict[str, Any], ...]:
    done = tools.run_tool("ruff", ruff.rules_command(), cwd=Path.cwd(), ok=(0,))
    return tuple(json.loads(done.stdout))


def _analyzers() -> list[Known]:
    """The analyzers' own rules: ruff's list, mypy's error codes, bandit's plugins."""
    # slow imports, only for a selector heal does not know at once; bandit ships no types
    from bandit.core import extension_loader  # type: ignore[import-untyped]
    from mypy import errorcodes

    known = [
        Known(f"ruff:{r['code']}", kebab(r["name"]), str(r.get("explanation", "")))
        for r in ruff_rules()
    ]
    known += [Known(f"mypy:{code}", f"mypy-{code}") for code in errorcodes.error_codes]
    for test_id, plugin in extension_loader.MANAGER.plugins_by_id.items():
        doc = (plugin.plugin.__doc__ or "").strip()
        known.append(Known(f"bandit:{test_id}", kebab(plugin.name), doc))
    return known


def everything() -> list[Known]:
    """Every code and rule id, the catalogue's (its ids win) and heal's own first."""
    cat = catalogue.load()
    known = [Known(code, rule.id) for rule in cat.rules.values() for code in rule.codes]
    known += [Known(f"heal:{name}", name) for name in registry.own_rules()]
    claimed = {k.code for k in known}
    for k in _analyzers():
        if k.code not in claimed:
            rule = cat.rule_for(Finding(code=k.code, path="", line=1, column=1, message=""))
            own = rule.source.startswith("prefixes.toml")  # no rule file: the analyzer's name
            known.append(Known(k.code, k.rule_id if own else rule.id, k.explanation))
    return known


def cheap(selector: str) -> bool:
    """Known without asking the analyzers: a category, a tool, a prefix, a catalogue rule id."""
    if selector in CATEGORIES or selector in ANALYZERS or ":" in selector:
        return True
    return selector in catalogue.load().rules or selector in registry.own_rules()


def unknown(selectors: tuple[str, ...]) -> str:
    """The first selector that names nothing heal knows, with the closest ids; "" if none."""
    for selector in selectors:
        if cheap(selector):
            continue
        ids = {k.rule_id for k in everything()}
        if selector in ids:
            continue
        close = difflib.get_close_matches(selector, sorted(ids), n=3, cutoff=0.0)
        hint = f"; the closest: {', '.join(close)}" if close else ""
        return (
            f"{selector}: no rule, code or category of that name{hint} (`heal rule ID` shows one)"
        )
    return ""
