"""The subcommands, each a small module with `arguments(parser)` and `run(options) -> int`; ""
is the heal run itself."""

from __future__ import annotations

import argparse
from typing import Protocol

from healers.commands import (
    approve,
    baseline,
    dashboard,
    heal,
    init,
    log,
    merge,
    patterns,
    pending,
    pr_body,
    pr_plan,
    reject,
    repair,
    resume,
    rule,
    stats,
    stop,
    undo,
    watch,
)
from healers.options import Options


class Command(Protocol):
    def arguments(self, p: argparse.ArgumentParser) -> None: ...

    def run(self, opts: Options) -> int: ...


COMMANDS: dict[str, Command] = {
    "": heal,
    "pending": pending,
    "approve": approve,
    "reject": reject,
    "baseline": baseline,
    "log": log,
    "undo": undo,
    "stats": stats,
    "patterns": patterns,
    "stop": stop,
    "resume": resume,
    "rule": rule,
    "init": init,
    "dashboard": dashboard,
    "merge": merge,
    "pr-plan": pr_plan,
    "pr-body": pr_body,
    "repair": repair,
    "watch": watch,
}
