"""The short block `heal watch` prints per batch: one line of totals, then what was fixed and what
is left (at most SHOWN lines), then the notes not shown before."""

from __future__ import annotations

import time
from collections.abc import Sequence

from healers.finding import Outcome
from healers.report import LEFT, STATUS_WORDS
from healers.watch.batch import Healed

SHOWN = 12  # finding lines per block; the rest is counted
NOTES_KEPT = 200  # notes remembered as shown (a note repeated every batch is said once)


class Notes:
    """The notes already shown: most repeat every batch (no Python version declared...)."""

    def __init__(self) -> None:
        self.shown: set[str] = set()

    def new(self, notes: Sequence[str]) -> list[str]:
        fresh = [n for n in dict.fromkeys(notes) if n not in self.shown]
        if len(self.shown) + len(fresh) > NOTES_KEPT:
            self.shown.clear()
        self.shown.update(fresh)
        return fresh


def _line(o: Outcome, prefix: str) -> str:
    f = o.finding
    message = f.message.splitlines()[0] if f.message else ""
    why = STATUS_WORDS.get(o.status, o.status)
    return f"  {prefix}{f.path}:{f.line} {f.code} [{o.rule.id}] {message} ({why})"


def render(done: Healed, notes: Notes, *, fixing: bool) -> str:
    """The block for one batch, ending with a newline."""
    outcomes = done.report.outcomes
    fixed = [o for o in outcomes if o.status == "fixed"]
    left = [o for o in outcomes if o.status in LEFT]
    names = ", ".join(done.prefix + f for f in done.files[:3])
    names += f" and {len(done.files) - 3} more" if len(done.files) > 3 else ""
    head = f"[{time.strftime('%H:%M:%S')}] {names}: "
    head += f"fixed {len(fixed)}, " if fixing else ""
    head += f"{len(left)} left ({done.seconds:.2f} s)"
    if done.report.verify_runs:
        head += f"; verify-cmd ran {done.report.verify_runs}x"
    if done.report.rolled_back:
        head += f", {len(done.report.rolled_back)} fix(es) rolled back"
    shown = [_line(o, done.prefix) for o in [*fixed, *left]]
    lines = [head, *shown[:SHOWN]]
    if len(shown) > SHOWN:
        lines.append(f"  ... and {len(shown) - SHOWN} more (heal {' '.join(done.files)})")
    lines += [f"  note: {n}" for n in notes.new(done.report.notes)]
    lines += [f"  warning: {w}" for w in done.report.warnings]
    return "\n".join(lines) + "\n"
