"""The dashboard's trends: success rates over time windows and the figures per day, from the run
history's records and the days older runs were folded into."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from healers.state import compaction
from healers.state.runs import Entry

WINDOWS = (("last hour", 3600.0), ("last 24 h", 86_400.0), ("last 7 days", 7 * 86_400.0))
SERIES_DAYS = 30


def success_rate(fixed: int, rolled_back: int, undone: int) -> float | None:
    """Of the fixes heal made, the share still in place: not rolled back by verification, not
    undone by a person (None when it made none)."""
    made = fixed + rolled_back
    return max(fixed - undone, 0) / made if made else None


def _undone(entry: Entry) -> int:
    return sum(h.status == "undone" for h in entry.heals)


@dataclass(frozen=True)
class Window:
    """The runs of a time window: fixes kept (fixed) against fixes taken back (rolled back)."""

    label: str
    runs: int
    fixed: int
    rolled_back: int
    failed: int  # runs that ended in an error (exit 2)
    undone: int  # fixes a person took back with `heal undo`

    @property
    def kept(self) -> int:
        return max(self.fixed - self.undone, 0)

    @property
    def rate(self) -> float | None:
        """Fixes kept (neither rolled back nor undone) of the fixes made."""
        return success_rate(self.fixed, self.rolled_back, self.undone)


@dataclass(frozen=True)
class Point:
    """One UTC day: the findings of its last --scan by category, fixes kept and taken back."""

    day: str
    by_category: Mapping[str, int]
    fixed: int
    rolled_back: int
    undone: int = 0

    @property
    def rate(self) -> float | None:
        return success_rate(self.fixed, self.rolled_back, self.undone)


def windows(runs: Sequence[Entry], now: float) -> tuple[Window, ...]:
    out = []
    for label, span in WINDOWS:
        inside = [r for r in runs if r.started >= now - span]
        undone = sum(_undone(r) for r in inside)
        out.append(
            Window(
                label,
                len(inside),
                sum(r.fixed for r in inside),
                sum(r.rolled_back for r in inside),
                sum(r.exit == compaction.EXIT_ERROR for r in inside),
                undone,
            )
        )
    return tuple(out)


@dataclass
class _Tally:
    fixed: int = 0
    rolled_back: int = 0
    undone: int = 0
    snapshot: dict[str, int] = field(default_factory=dict)
    at: float = 0.0

    def add(
        self, fixed: int, rolled_back: int, snapshot: Mapping[str, int], at: float, undone: int = 0
    ) -> None:
        self.fixed += fixed
        self.rolled_back += rolled_back
        self.undone += undone
        if at and at >= self.at:
            self.snapshot, self.at = dict(snapshot), at


def series(runs: Sequence[Entry], days: Sequence[compaction.Day], now: float) -> tuple[Point, ...]:
    """Per day over the last SERIES_DAYS days, from the runs and the folded days."""
    first = compaction.day_of(now - (SERIES_DAYS - 1) * compaction.DAY)
    acc: dict[str, _Tally] = {}
    for d in days:
        if d.day >= first:
            acc.setdefault(d.day, _Tally()).add(d.fixed, d.rolled_back, d.snapshot, d.snapshot_at)
    for r in runs:
        day = compaction.day_of(r.started)
        if day >= first:
            at = r.started if snapshot_of(r) else 0.0
            tally = acc.setdefault(day, _Tally())
            tally.add(r.fixed, r.rolled_back, r.by_category, at, _undone(r))
    return tuple(
        Point(d, t.snapshot, t.fixed, t.rolled_back, t.undone) for d, t in sorted(acc.items())
    )


def snapshot_of(entry: Entry) -> bool:
    """A run whose findings stand for the project (a --scan that ended without an error)."""
    return entry.scope == "project" and entry.exit != compaction.EXIT_ERROR
