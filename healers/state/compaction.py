"""Compaction of the run history: runs older than KEEP_DAYS (or past MAX_RUNS) are folded into
one row per day and kind, their totals kept; the per-finding detail is kept for recent runs only."""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

KEEP_DAYS = 90  # runs younger than this keep their own record
MAX_RUNS = 20_000  # and never more than this many
DETAIL_RUNS = 30  # runs that keep every finding they saw (and the newest snapshot of each kind)
DAY = 86_400.0
DAYS_SCHEMA = """CREATE TABLE IF NOT EXISTS days (
    day TEXT NOT NULL, kind TEXT NOT NULL, runs INTEGER NOT NULL, files INTEGER NOT NULL,
    found INTEGER NOT NULL, fixed INTEGER NOT NULL, rolled_back INTEGER NOT NULL,
    blocked INTEGER NOT NULL, failed INTEGER NOT NULL, duration REAL NOT NULL,
    snapshot TEXT NOT NULL, snapshot_at REAL NOT NULL, PRIMARY KEY (day, kind))"""
SUMMED = ("runs", "files", "found", "fixed", "rolled_back", "blocked", "failed", "duration")
EXIT_ERROR = 2


def day_of(moment: float) -> str:
    """The UTC day of a unix time: 2026-11-21."""
    return datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Day:
    """The runs of one kind on one UTC day, folded: their totals, and the findings by category of
    the day's last --scan run (`snapshot`, empty when there was none)."""

    day: str
    kind: str
    runs: int
    files: int
    found: int
    fixed: int
    rolled_back: int
    blocked: int
    failed: int
    duration: float
    snapshot: dict[str, int]
    snapshot_at: float


def _fold(rows: Sequence[Sequence[Any]]) -> dict[tuple[str, str], list[Any]]:
    """(day, kind) -> [sums..., snapshot, snapshot_at] of the rows
    (id, started, duration, kind, scope, files, found, fixed, rolled_back, blocked, exit,
    by_category)."""
    days: dict[tuple[str, str], list[Any]] = {}
    for _, started, duration, kind, scope, files, found, fixed, back, blocked, code, cats in rows:
        key = (day_of(started), kind)
        acc = days.setdefault(key, [0, 0, 0, 0, 0, 0, 0, 0.0, "{}", 0.0])
        for i, value in enumerate((1, files, found, fixed, back, blocked, code == EXIT_ERROR)):
            acc[i] += int(value)
        acc[7] += duration
        if scope == "project" and started >= acc[9]:
            acc[8], acc[9] = cats, started
    return days


def compact(db: sqlite3.Connection, *, now: float) -> int:
    """Fold what is too old into `days`, drop old detail; inside the caller's transaction.
    Returns how many runs were folded."""
    (count,) = db.execute("SELECT count(*) FROM runs").fetchone()
    (old,) = db.execute(
        "SELECT count(*) FROM runs WHERE started < ?", (now - KEEP_DAYS * DAY,)
    ).fetchone()
    folding = max(old, count - MAX_RUNS)
    if folding > 0:
        rows = db.execute(
            "SELECT id, started, duration, kind, scope, files, found, fixed, rolled_back, "
            "blocked, exit, by_category FROM runs ORDER BY started, id LIMIT ?",
            (folding,),
        ).fetchall()
        for (day, kind), acc in _fold(rows).items():
            _add_day(db, day, kind, acc)
        db.executemany("DELETE FROM runs WHERE id = ?", [(r[0],) for r in rows])
    db.execute(
        "UPDATE runs SET detail = NULL WHERE detail IS NOT NULL "
        "AND id NOT IN (SELECT id FROM runs ORDER BY started DESC LIMIT ?) "
        "AND id NOT IN (SELECT id FROM runs r WHERE scope = 'project' AND started = "
        "(SELECT max(started) FROM runs s WHERE s.scope = 'project' AND s.kind = r.kind))",
        (DETAIL_RUNS,),
    )
    return max(int(folding), 0)


def _add_day(db: sqlite3.Connection, day: str, kind: str, acc: list[Any]) -> None:
    sums = ", ".join(f"{c} = {c} + excluded.{c}" for c in SUMMED)
    db.execute(
        f"INSERT INTO days (day, kind, {', '.join(SUMMED)}, snapshot, snapshot_at) "  # nosec B608 - constant column names
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, kind) DO UPDATE SET "
        f"{sums}, snapshot = CASE WHEN excluded.snapshot_at >= snapshot_at "
        "THEN excluded.snapshot ELSE snapshot END, "
        "snapshot_at = max(snapshot_at, excluded.snapshot_at)",
        (day, kind, *acc),
    )


def days(db: sqlite3.Connection, *, since: str = "") -> list[Day]:
    """The folded days from `since` (a day, "" for all), oldest first."""
    rows = db.execute(
        f"SELECT day, kind, {', '.join(SUMMED)}, snapshot, snapshot_at FROM days "  # nosec B608 - constant column names
        "WHERE day >= ? ORDER BY day, kind",
        (since,),
    ).fetchall()
    return [_day(*r) for r in rows]


def _day(day: str, kind: str, *counts: Any) -> Day:
    *sums, duration, snapshot, at = counts
    runs, files, found, fixed, back, blocked, failed = (int(n) for n in sums)
    return Day(
        day,
        kind,
        runs,
        files,
        found,
        fixed,
        back,
        blocked,
        failed,
        duration,
        json.loads(snapshot),
        at,
    )
