"""The rule catalogue: rules/<category>/<rule-id>.toml and prefix tables -> Rule, by code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, cast

from healers import toml
from healers.finding import (
    CATEGORIES,
    CATEGORY_PRIORITY,
    PRIORITIES,
    Category,
    Example,
    Finding,
    Priority,
    Rule,
)

RULE_KEYS = frozenset(
    {"summary", "codes", "priority", "fix", "safety", "approval", "why", "fix_safety"}
    | {"example", "unchanged"}
)
# What a code that no rule file claims falls back to, per tool: its fix and approval.
TOOL_DEFAULTS: dict[str, tuple[str, str]] = {
    "ruff": ("analyzer", "never"),
    "mypy": ("none", "never"),
    "bandit": ("none", "high-severity"),
    "heal": ("none", "never"),
}


class CatalogueError(ValueError):
    """A rule file that does not follow the catalogue format."""


@dataclass(frozen=True)
class Catalogue:
    rules: dict[str, Rule]  # by rule id
    by_code: dict[str, Rule]  # tool-prefixed code -> rule
    prefixes: dict[
        str, tuple[tuple[str, Category], ...]
    ]  # tool -> (prefix, category), longest first

    def rule_for(self, finding: Finding) -> Rule:
        """The rule a finding belongs to: its own rule file, else the tool's prefix table."""
        rule = self.by_code.get(finding.code)
        if rule is not None:
            return rule
        tool, _, code = finding.code.partition(":")
        category = _prefix_category(self.prefixes.get(tool, ()), code)
        fix, approval = TOOL_DEFAULTS.get(tool, ("none", "never"))
        return Rule(
            id=rule_id_for(finding),
            category=category,
            summary=finding.name or code,
            codes=(finding.code,),
            priority=CATEGORY_PRIORITY[category],
            fix=fix,
            approval=cast(Any, approval),
            source=f"prefixes.toml [{tool}]",
        )


def rule_id_for(finding: Finding) -> str:
    """A kebab-case rule id for a code no rule file claims: the analyzer's own name for it."""
    tool, _, code = finding.code.partition(":")
    if tool == "mypy":
        return f"mypy-{code}"
    name = finding.name or code
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _prefix_category(table: tuple[tuple[str, Category], ...], code: str) -> Category:
    for prefix, category in table:
        if code.startswith(prefix):
            return category
    return "style"


def _text(data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise CatalogueError(f"{where}: `{key}` must be a string")
    return value


def _examples(data: dict[str, Any], key: str, where: str) -> tuple[Example, ...]:
    out = []
    for i, raw in enumerate(data.get(key, [])):
        at = f"{where} [[{key}]] #{i}"
        code = raw.get("before", raw.get("code"))
        if not isinstance(code, str):
            raise CatalogueError(f"{at}: needs `before` (or `code` for [[unchanged]])")
        after = raw.get("after", code)
        context = raw.get("context", {})
        if not isinstance(after, str) or not isinstance(context, dict):
            raise CatalogueError(f"{at}: `after` must be a string and `context` a table")
        path = _text(raw, "path", at, "example.py")
        out.append(Example(code, after, path, tuple(sorted(context.items()))))
    return tuple(out)


def parse_rule(rule_id: str, category: str, data: dict[str, Any], *, source: str) -> Rule:
    """Validate one rule file's table; every error names the file and the key."""
    where = source
    unknown = set(data) - RULE_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if category not in CATEGORIES:
        raise CatalogueError(f"{where}: folder {category!r} is not a category")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule_id):
        raise CatalogueError(f"{where}: rule id {rule_id!r} is not kebab-case")
    codes = data.get("codes", [])
    if not codes or not all(isinstance(c, str) and ":" in c for c in codes):
        raise CatalogueError(f"{where}: `codes` must list tool-prefixed codes like 'ruff:F401'")
    cat: Category = category
    priority = _text(data, "priority", where, CATEGORY_PRIORITY[cat])
    safety = _text(data, "safety", where, "safe")
    approval = _text(data, "approval", where, "never")
    for key, value, allowed in (
        ("priority", priority, PRIORITIES),
        ("safety", safety, ("safe", "unsafe")),
        ("approval", approval, ("never", "high-severity", "always", "block")),
    ):
        if value not in allowed:
            raise CatalogueError(f"{where}: `{key}` must be one of {', '.join(allowed)}")
    return Rule(
        id=rule_id,
        category=cat,
        summary=_text(data, "summary", where),
        codes=tuple(codes),
        priority=cast(Priority, priority),
        fix=_text(data, "fix", where, "none"),
        safety=cast(Any, safety),
        approval=cast(Any, approval),
        why=_text(data, "why", where, ""),
        fix_safety=_text(data, "fix_safety", where, ""),
        examples=_examples(data, "example", where),
        unchanged=_examples(data, "unchanged", where),
        source=source,
    )


def _parse_prefixes(data: dict[str, Any]) -> dict[str, tuple[tuple[str, Category], ...]]:
    tables: dict[str, tuple[tuple[str, Category], ...]] = {}
    for tool, table in data.items():
        for prefix, category in table.items():
            if category not in CATEGORIES:
                raise CatalogueError(f"prefixes.toml [{tool}] {prefix}: bad category {category!r}")
        rows = sorted(table.items(), key=lambda row: (-len(row[0]), row[0]))
        tables[tool] = tuple(rows)
    return tables


@cache
def load() -> Catalogue:
    """Read every rule file shipped in healers.rules; fail loudly on a malformed one."""
    root = resources.files("healers.rules")
    rules: dict[str, Rule] = {}
    by_code: dict[str, Rule] = {}
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if not folder.is_dir() or folder.name.startswith(("_", ".")):
            continue
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if not entry.name.endswith(".toml"):
                continue
            source = f"rules/{folder.name}/{entry.name}"
            try:
                data = toml.loads(entry.read_text(encoding="utf-8"))
            except toml.TOMLDecodeError as exc:
                raise CatalogueError(f"{source}: {exc}") from None
            rule = parse_rule(entry.name[:-5], folder.name, data, source=source)
            if rule.id in rules:
                raise CatalogueError(f"{source}: rule id {rule.id!r} is defined twice")
            rules[rule.id] = rule
            for code in rule.codes:
                if code in by_code:
                    raise CatalogueError(f"{source}: {code} already belongs to {by_code[code].id}")
                by_code[code] = rule
    prefix_data = toml.loads(root.joinpath("prefixes.toml").read_text(encoding="utf-8"))
    return Catalogue(rules=rules, by_code=by_code, prefixes=_parse_prefixes(prefix_data))
