"""What a run reports and how, from the command line and `[tool.healers]`: the selectors
(checked against every id heal knows), `--since`, and the options a ruff user expects."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healers import config, hold, names
from healers.errors import UsageError


def selectors(values: Sequence[str] | None) -> tuple[str, ...]:
    """`--select a,b --select c` -> ("a", "b", "c"), each a valid selector."""
    out: list[str] = []
    for value in values or ():
        out += [s.strip() for s in value.split(",") if s.strip()]
    return tuple(config.check_selector(s, "command line") for s in out)


def options(args: argparse.Namespace, conf: config.Config, repo: Path) -> dict[str, Any]:
    """What the run reports: --select, --ignore, --extend-select, --since; and how (the
    options a ruff user expects)."""
    return {
        "select": _checked(selectors(getattr(args, "select", None)) or conf.select),
        "ignore": _checked(selectors(getattr(args, "ignore", None)) + conf.ignore),
        "extend_select": _checked(
            selectors(getattr(args, "extend_select", None)) + conf.extend_select
        ),
        "since": _since(args, repo),
        "exit_zero": getattr(args, "exit_zero", False),
        "quiet": getattr(args, "quiet", False),
        "show_fixes": getattr(args, "show_fixes", False),
    }


def _checked(chosen: tuple[str, ...]) -> tuple[str, ...]:
    """Selectors that name something heal knows; else a usage error with the closest ids."""
    wrong = names.unknown(chosen)
    if wrong:
        raise UsageError(wrong)
    return chosen


def _since(args: argparse.Namespace, repo: Path) -> str | None:
    since: str | None = getattr(args, "since", None)
    hold.check(repo, since)
    return since
