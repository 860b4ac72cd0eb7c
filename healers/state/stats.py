"""Learned trust: per-rule fix counts in .heal/stats.sqlite, demotion, and `heal stats`."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from healers import folder

STATS = "stats.sqlite"
COLUMNS = ("applied", "verified", "rolled_back", "approved", "rejected")
BUSY_TIMEOUT = 60.0  # seconds a run waits for another run's write to finish
SCHEMA = """CREATE TABLE IF NOT EXISTS rules (
    rule TEXT PRIMARY KEY,
    applied INTEGER NOT NULL DEFAULT 0,
    verified INTEGER NOT NULL DEFAULT 0,
    rolled_back INTEGER NOT NULL DEFAULT 0,
    approved INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0
)"""


class StatsError(RuntimeError):
    """.heal/stats.sqlite exists but cannot be read as heal's statistics."""


@dataclass(frozen=True)
class Counts:
    rule: str
    applied: int = 0
    verified: int = 0
    rolled_back: int = 0
    approved: int = 0
    rejected: int = 0

    @property
    def rollback_rate(self) -> float:
        return self.rolled_back / self.applied if self.applied else 0.0


@dataclass(frozen=True)
class Policy:
    """A rule is demoted when more than `rate` of at least `min_fixes` fixes were rolled back."""

    min_fixes: int = 5
    rate: float = 0.2

    def demotes(self, counts: Counts) -> bool:
        return counts.applied >= self.min_fixes and counts.rollback_rate > self.rate


def check(state_dir: Path) -> None:
    """Before a run writes anything: the database and its side files are no links."""
    folder.check_database(state_dir, STATS)


def _connect(state_dir: Path) -> sqlite3.Connection:
    check(state_dir)
    db = sqlite3.connect(state_dir / STATS, timeout=BUSY_TIMEOUT, isolation_level=None)
    db.execute(SCHEMA)
    return db


def add(state_dir: Path, counts: Mapping[str, Mapping[str, int]]) -> None:
    """Add a run's counts (rule -> column -> n) in one transaction."""
    rows = [(rule, *(row.get(c, 0) for c in COLUMNS)) for rule, row in counts.items() if row]
    if not rows:
        return
    updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in COLUMNS)
    try:
        db = _connect(state_dir)
        try:
            db.execute("BEGIN IMMEDIATE")  # take the write lock now: waits out a concurrent run
            db.executemany(
                f"INSERT INTO rules (rule, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?) "  # nosec B608 - column names are the constant COLUMNS
                f"ON CONFLICT(rule) DO UPDATE SET {updates}",
                rows,
            )
            db.execute("COMMIT")
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise StatsError(f"{state_dir / STATS}: {exc}") from None


def load(state_dir: Path) -> dict[str, Counts]:
    """Counts per rule; empty when no run has recorded any yet."""
    try:
        with folder.opened(state_dir) as place:
            if not place.plain(STATS):
                return {}
    except FileNotFoundError:
        return {}
    try:
        db = _connect(state_dir)
        try:
            rows = db.execute(f"SELECT rule, {', '.join(COLUMNS)} FROM rules").fetchall()  # nosec B608 - constant column names
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise StatsError(f"{state_dir / STATS}: {exc} (delete it to start counting anew)") from None
    return {row[0]: Counts(*row) for row in rows}


def demoted(state_dir: Path, policy: Policy) -> dict[str, str]:
    """Rules whose fixes now need a human, with the reason the report gives."""
    return {
        rule: (
            f"demoted to approval-required: {c.rolled_back} of {c.applied} fixes of this rule "
            f"were rolled back (more than {policy.rate:.0%} of at least {policy.min_fixes})"
        )
        for rule, c in load(state_dir).items()
        if policy.demotes(c)
    }
