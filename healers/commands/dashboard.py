"""`heal dashboard`: what heal finds and fixes in this project, from its run history: live in the
terminal (`q` quits), one snapshot (`--once`, or without a terminal), or a local web page
(`--web`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from healers.errors import UsageError
from healers.options import Options
from healers.state import history, stats

if TYPE_CHECKING:
    from healers.dashboard.figures import Figures

PORT = 8080


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true", help="print one snapshot and exit")
    p.add_argument(
        "--web", action="store_true", help="serve the dashboard at http://127.0.0.1:PORT/healing"
    )
    p.add_argument("--port", type=int, help=f"--web: the port (default {PORT}; 0: any free one)")
    p.add_argument(
        "--host",
        metavar="ADDRESS",
        help="--web: serve on this interface instead of 127.0.0.1 (warned about: anyone who "
        "reaches it reads your findings and diffs)",
    )


def _loader(opts: Options) -> Callable[[], Figures]:
    from healers.dashboard import figures  # not for the hook: only the dashboard reads them

    policy = stats.Policy(opts.config.demote_min_fixes, opts.config.demote_rollback_rate)
    state_dir, name = opts.project.state_dir, opts.project.root.name
    return lambda: figures.load(state_dir, policy, project=name)


def _web(opts: Options) -> int:
    port = PORT if opts.port is None else opts.port
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: a port is 0..65535")
    from healers.dashboard import server  # the standard library's http.server, only here

    host = opts.host or server.LOOPBACK
    if opts.host and not server.loopback(opts.host):
        print(
            f"heal dashboard: warning: serving on {opts.host}, not only this machine: anyone who "
            "can reach it reads this project's findings and diffs",
            file=sys.stderr,
        )
    state_dir = opts.project.state_dir
    board = server.Board(_loader(opts), lambda: history.signature(state_dir))
    return server.serve(board, host, port)


def run(opts: Options) -> int:
    if opts.web:
        return _web(opts)
    if opts.host or opts.port is not None:
        raise UsageError("--host and --port go with --web")
    from healers.dashboard import terminal  # rich, only for the dashboard

    load = _loader(opts)
    if opts.once or not (sys.stdin.isatty() and sys.stdout.isatty()):
        terminal.snapshot(load())
        return 0
    state_dir = opts.project.state_dir
    return terminal.live(load, lambda: history.signature(state_dir))
