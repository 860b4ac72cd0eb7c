"""The subcommands, each a small module with `run(options) -> int`; "" is the heal run itself."""

from __future__ import annotations

from collections.abc import Callable

from healers.commands import (
    approve,
    baseline,
    heal,
    init,
    log,
    pending,
    reject,
    resume,
    stats,
    stop,
    undo,
)
from healers.options import Options

COMMANDS: dict[str, Callable[[Options], int]] = {
    "": heal.run,
    "pending": pending.run,
    "approve": approve.run,
    "reject": reject.run,
    "baseline": baseline.run,
    "log": log.run,
    "undo": undo.run,
    "stats": stats.run,
    "stop": stop.run,
    "resume": resume.run,
    "init": init.run,
}
