"""Which healer a finding belongs to: an analyzer's output read once, each finding claimed by the
healer of its rule's category (the catalogue decides: rule files, then the prefix tables)."""

from __future__ import annotations

from functools import lru_cache

from healers import catalogue
from healers.finding import Category, Finding
from healers.tools import bandit, mypy, ruff

Unread = tuple[str, str]


@lru_cache(maxsize=8)  # every healer reads the same output: it is decoded once
def _read(tool: str, output: str, root: str) -> tuple[tuple[Finding, ...], tuple[Unread, ...]]:
    if tool == "ruff":
        return tuple(ruff.read(output, root)), ()
    if tool == "mypy":
        return tuple(mypy.read(output, root)), ()
    if tool == "bandit":
        found, errors = bandit.read(output, root)
        return tuple(found), tuple(errors)
    raise ValueError(f"no reader for {tool}")


def read(tool: str, output: str, root: str) -> tuple[Finding, ...]:
    """Every finding of one analyzer's output."""
    return _read(tool, output, root)[0]


def unread(tool: str, output: str, root: str) -> tuple[Unread, ...]:
    """(path, why) for each file the analyzer could not read (bandit lists them and exits 0)."""
    return _read(tool, output, root)[1]


def category(finding: Finding) -> Category:
    return catalogue.load().rule_for(finding).category


def claimed(of: Category, tool: str, output: str, root: str) -> list[Finding]:
    """The findings of `tool`'s output that belong to the healer of category `of`."""
    return [f for f in read(tool, output, root) if category(f) == of]
