"""`heal dashboard` in the terminal: the figures as rich tables, live (refreshed every second,
`q` quits) on a terminal, one snapshot otherwise."""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import time
import tty
from collections.abc import Callable, Iterator

from rich import box
from rich.columns import Columns
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from healers.dashboard.figures import HEALTHY, Figures
from healers.finding import CATEGORIES
from healers.report import LEFT, PRIORITY_TITLES
from healers.report.markup import rate

REFRESH = 1.0  # seconds between two looks at the history
RELOAD = 30.0  # figures are read again at least this often (the time windows move)


def when(moment: float) -> str:
    """A unix time, short: 12-01 22:44:07 (UTC)."""
    return time.strftime("%m-%d %H:%M:%S", time.gmtime(moment))


def _table(title: str, *columns: str) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        expand=False,
    )
    for name in columns:
        table.add_column(
            name, justify="right" if name in ("n", "left", "fixed 7 d", "rate", "used") else "left"
        )
    return table


def _progress(fig: Figures) -> RenderableType:
    if not fig.active:
        return Text("in progress: no heal is running in this project", style="dim")
    table = _table("in progress", "run", "pid", "files", "since", "doing")
    for a in fig.active:
        table.add_row(f"heal {a.kind}", str(a.pid), str(a.files), when(a.started), a.phase)
    return table


def _success(fig: Figures) -> Table:
    table = _table("success: fixes kept of fixes made", "window", "rate", "kept", "lost", "runs")
    for w in fig.windows:
        style = "green" if w.rate is None or w.rate >= HEALTHY else "red"
        lost = f"{w.rolled_back} rolled back, {w.undone} undone"
        runs = f"{w.runs}" + (f" ({w.failed} failed)" if w.failed else "")
        table.add_row(w.label, Text(rate(w.rate), style=style), str(w.kept), lost, runs)
    return table


def _findings(fig: Figures) -> Table:
    shown = fig.snapshot.findings if fig.snapshot else ()
    table = _table("findings by category", "category", "n", "left", "fixed 7 d")
    if fig.snapshot:
        table.caption = f"of heal {fig.snapshot.kind} at {when(fig.snapshot.started)}"
    for category in CATEGORIES:
        mine = [s for s in shown if s.category == category]
        left = sum(s.status in LEFT for s in mine)
        fixed = sum(h.seen.status == "fixed" and h.seen.category == category for h in fig.healed)
        table.add_row(category, str(fig.by_category[category]), str(left), str(fixed))
    for priority, n in fig.by_priority.items():
        table.add_row(f"{priority} {PRIORITY_TITLES[priority]}", str(n), "", "", style="dim")
    return table


def _rules(fig: Figures) -> RenderableType:
    if not fig.rules:
        return Text("rules: no fix has been rolled back", style="dim")
    table = _table("rules most rolled back or demoted", "rule", "applied", "rolled back", "trust")
    for c in fig.rules:
        trust = "demoted: needs approval" if c.rule in fig.demoted else "trusted"
        table.add_row(c.rule, str(c.applied), f"{c.rolled_back} ({c.rollback_rate:.0%})", trust)
    return table


def _learning(fig: Figures) -> RenderableType:
    learned = fig.learning
    if learned is None:
        return Text("pattern store: nothing learned yet", style="dim")
    store = learned.store
    head = Text(
        f"pattern store: {store.stored} pattern(s), {store.offered} offered to a model; reuse "
        f"rate {rate(store.reuse_rate)} ({store.reused} of {store.proposals} model proposal(s) "
        f"showed one); {learned.waiting} model-proposed fix(es) waiting"
    )
    if not learned.used:
        return head
    table = _table("patterns shown in prompts", "pattern", "rule", "used", "rate")
    for p in learned.used:
        style = "green" if p.success_rate is None or p.success_rate >= HEALTHY else "red"
        name = f"#{p.id}" + ("" if p.offered else " (retired)")
        used = str(p.successes + p.failures)
        table.add_row(name, p.rule, used, Text(rate(p.success_rate), style=style))
    return Group(head, table)


def _pending(fig: Figures) -> RenderableType:
    if not fig.pending:
        return Text("pending approvals: none", style="dim")
    table = _table(f"pending approvals ({len(fig.pending)})", "fingerprint", "rule", "where")
    for p in fig.pending:
        s = p.seen
        table.add_row(s.fingerprint, s.rule, f"{s.path}:{s.line}")
    return table


def _heals(fig: Figures) -> RenderableType:
    if not fig.heals:
        return Text("last heals: none recorded yet", style="dim")
    table = _table("last heals", "when", "what", "file:line", "rule", "code")
    for h in fig.heals:
        s = h.seen
        style = "green" if s.status == "fixed" else "yellow"
        where = f"{s.path}:{s.line}"
        table.add_row(when(h.when), Text(s.status, style=style), where, s.rule, s.code)
    return table


def view(fig: Figures, *, live: bool = False) -> RenderableType:
    """The whole view, top to bottom."""
    head = Text(f"heal dashboard · {fig.project}", style="bold")
    head.append(f"   {fig.runs} run(s) recorded", style="dim")
    if fig.folded:
        head.append(f", {fig.folded} older folded into daily totals", style="dim")
    if live:
        head.append("   q quits", style="dim")
    parts: list[RenderableType] = [head]
    parts += [Text(f"warning: {w}", style="yellow") for w in fig.warnings]
    if fig.latest is None:
        parts.append(Text("No run recorded yet: run `heal --scan` in this project."))
    parts.append(_progress(fig))
    parts.append(Columns([_success(fig), _findings(fig)], padding=(0, 4)))
    parts.append(Columns([_pending(fig), _rules(fig)], padding=(0, 4)))
    parts.append(_learning(fig))
    parts.append(_heals(fig))
    parts.append(Text("times are UTC", style="dim"))
    return Group(*parts)


def snapshot(fig: Figures, console: Console | None = None) -> None:
    (console or Console()).print(view(fig))


@contextlib.contextmanager
def _keys() -> Iterator[int]:
    """stdin in cbreak mode (one key at a time, no echo), restored on the way out."""
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield fd
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def live(load: Callable[[], Figures], changed: Callable[[], object]) -> int:
    """Redraw every REFRESH seconds until `q`; the figures are read again when the history
    changed (`changed()` returns something new) or RELOAD seconds went by."""
    fig, seen, loaded = load(), changed(), time.monotonic()
    with _keys() as fd, Live(view(fig, live=True), screen=True, auto_refresh=False) as screen:
        while True:
            ready, _, _ = select.select([fd], [], [], REFRESH)
            if ready and os.read(fd, 1) in (b"q", b"Q", b""):  # b"": stdin closed
                return 0
            now = changed()
            if now != seen or time.monotonic() - loaded > RELOAD:
                fig, seen, loaded = load(), now, time.monotonic()
            screen.update(view(fig, live=True), refresh=True)
