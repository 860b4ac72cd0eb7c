"""`heal watch [PATH]`: heal Python files as they are saved; `--status`, `--stop`."""

from __future__ import annotations

import argparse
import time

from healers.commands.heal import untrusted_argument
from healers.errors import CommandError, UsageError
from healers.options import Options
from healers.state import control


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scan", nargs="?", default=".", metavar="PATH", help="the folder to watch (default .)"
    )
    p.add_argument(
        "--no-fix",
        dest="fix",
        action="store_false",
        help="report what each batch finds; fix nothing",
    )
    p.add_argument(
        "--verify-cmd",
        metavar="CMD",
        help="run CMD after a batch that changed files (and once before its fixes); "
        "fixes that make it fail more are rolled back",
    )
    untrusted_argument(p)
    p.add_argument(
        "--tests",
        action="store_true",
        help="run the tests after every batch (verify-cmd, else python -m pytest -q); "
        "a failure is handed to heal repair",
    )
    asked = p.add_mutually_exclusive_group()
    asked.add_argument(
        "--status",
        dest="watch",
        action="store_const",
        const="status",
        default="",
        help="say whether a watcher runs for this project, and its pid",
    )
    asked.add_argument(
        "--stop",
        dest="watch",
        action="store_const",
        const="stop",
        help="end the watcher of this project (only it: other heal runs go on)",
    )


def run(opts: Options) -> int:
    from healers.watch import lock  # watchfiles only for the watcher itself

    state_dir = opts.project.state_dir
    if opts.watch == "status":
        running = lock.holder(state_dir)
        if running is None:
            print(f"heal watch: no watcher runs for {opts.project.root}")
            return 1
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(running.started))
        print(f"heal watch: pid {running.pid} watches {running.path} since {since}")
        return 0
    if opts.watch == "stop":
        ended = lock.request_stop(state_dir)
        if ended is None:
            print(f"heal watch: no watcher runs for {opts.project.root}")
            return 1
        print(f"heal watch: stopped the watcher (pid {ended.pid})")
        return 0
    if opts.tests and opts.untrusted:
        raise UsageError("--tests runs the project's code: not with --untrusted")
    if control.stopped(state_dir):  # the watcher would end at once: say why instead
        raise CommandError(control.why_stopped(state_dir))
    from healers.watch import loop

    return loop.watch(opts)
