"""Run history: .heal/history.sqlite, one record per heal run, the runs going on now, and the days
older runs were folded into (compaction.py)."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from healers import folder
from healers.state import compaction
from healers.state.runs import COLUMNS, Entry, rows

HISTORY = "history.sqlite"
SCHEMA_VERSION = "1"
BUSY_TIMEOUT = 60.0  # seconds a run waits for another run's write to finish
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS runs (
        id TEXT PRIMARY KEY, started REAL NOT NULL, duration REAL NOT NULL, kind TEXT NOT NULL,
        scope TEXT NOT NULL, files INTEGER NOT NULL, found INTEGER NOT NULL,
        fixed INTEGER NOT NULL, rolled_back INTEGER NOT NULL, blocked INTEGER NOT NULL,
        remaining INTEGER NOT NULL, by_category TEXT NOT NULL, by_priority TEXT NOT NULL,
        exit INTEGER NOT NULL, version TEXT NOT NULL, audit_run TEXT NOT NULL,
        heals TEXT NOT NULL, proposals TEXT NOT NULL, targets TEXT NOT NULL, detail TEXT)""",
    "CREATE INDEX IF NOT EXISTS runs_started ON runs (started)",
    compaction.DAYS_SCHEMA,
    """CREATE TABLE IF NOT EXISTS active (
        token TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, kind TEXT NOT NULL,
        started REAL NOT NULL, files INTEGER NOT NULL, phase TEXT NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT OR IGNORE INTO meta VALUES ('schema', '1')",  # '1': SCHEMA_VERSION
)


class HistoryError(RuntimeError):
    """The history cannot be written or read (not: it was corrupt; that one is moved aside)."""


class _OtherSchema(sqlite3.DatabaseError):
    """A store of another heal version's schema: moved aside as a corrupt one is."""


def _corrupt(exc: sqlite3.DatabaseError) -> bool:
    if isinstance(exc, _OtherSchema):
        return True
    name = getattr(exc, "sqlite_errorname", "")  # Python 3.11+
    if name:
        return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB")
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _move_aside(path: Path, seen: os.stat_result | None, exc: Exception) -> str:
    """Move a corrupt store aside (only the file found corrupt: a concurrent run may already
    have started the new one); the warning to print."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}-{os.getpid()}")
    with contextlib.suppress(OSError):
        now = path.stat()
        if seen is None or (now.st_ino, now.st_dev) == (seen.st_ino, seen.st_dev):
            os.replace(path, aside)
            for suffix in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    os.replace(f"{path}{suffix}", f"{aside}{suffix}")
    return f"{path} cannot be read ({exc}); moved to {aside.name}, a new history starts"


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=NORMAL")  # the history may lose its last run on power loss
        try:  # a reader must not take the write lock: the schema is made only when missing
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None or row[0] != SCHEMA_VERSION:
                theirs = row[0] if row else "none"
                raise _OtherSchema(f"history schema {theirs}, this heal keeps {SCHEMA_VERSION}")
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            db.execute("PRAGMA journal_mode=WAL")  # readers (the dashboard) never block a run
            # one transaction: a reader never sees the tables without their schema version
            db.executescript("BEGIN IMMEDIATE;\n" + ";\n".join(SCHEMA) + ";\nCOMMIT;")
    except BaseException:
        db.close()
        raise
    return db


@contextlib.contextmanager
def opened(state_dir: Path, warnings: list[str]) -> Iterator[sqlite3.Connection]:
    """The store, created when missing; a corrupt one is moved aside (a warning added) and a new
    one started. Other sqlite errors become HistoryError."""
    path = state_dir / HISTORY
    try:
        seen: os.stat_result | None = path.stat()
    except OSError:
        seen = None
    try:
        folder.check_database(state_dir, HISTORY)
    except OSError as exc:  # a link, or a hard-linked file: never opened (docs/security.md)
        raise HistoryError(str(exc)) from None
    try:
        db = _connect(path)
    except sqlite3.DatabaseError as exc:
        if not _corrupt(exc):
            raise HistoryError(f"{path}: {exc}") from None
        warnings.append(_move_aside(path, seen, exc))
        try:
            db = _connect(path)
        except sqlite3.Error as again:
            raise HistoryError(f"{path}: {again}") from None
    try:
        yield db
    except sqlite3.DatabaseError as exc:
        if _corrupt(exc):  # corrupt inside, found only when a page is read
            warnings.append(_move_aside(path, seen, exc))
            raise HistoryError(f"{path}: corrupt; moved aside") from None
        raise HistoryError(f"{path}: {exc}") from None
    finally:
        db.close()


@contextlib.contextmanager
def _writing(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")  # take the write lock now: waits out a concurrent run
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def record(state_dir: Path, entry: Entry, *, token: str = "") -> list[str]:
    """Append one run (and end its `active` row) in one transaction, then compact old runs.
    Returns warnings (a corrupt store moved aside)."""
    warnings: list[str] = []
    values = asdict(entry)
    values["by_category"] = json.dumps(dict(entry.by_category), sort_keys=True)
    values["by_priority"] = json.dumps(dict(entry.by_priority), sort_keys=True)
    values["heals"] = rows(entry.heals)
    values["proposals"] = json.dumps(dict(entry.proposals), ensure_ascii=False)
    values["targets"] = json.dumps(list(entry.targets))
    row = [values[c] for c in COLUMNS]
    marks = ", ".join("?" for _ in (*COLUMNS, "detail"))
    with opened(state_dir, warnings) as db, _writing(db):
        db.execute(
            f"INSERT OR REPLACE INTO runs ({', '.join(COLUMNS)}, detail) VALUES ({marks})",  # nosec B608 - constant column names
            [*row, rows(entry.findings)],
        )
        if token:
            db.execute("DELETE FROM active WHERE token = ?", (token,))
        compaction.compact(db, now=time.time())
    return warnings


def start(state_dir: Path, kind: str, files: int) -> tuple[str, list[str]]:
    """Register a run going on now; returns its token (for phase() and record()) and warnings."""
    warnings: list[str] = []
    token = f"{socket.gethostname()}:{os.getpid()}:{time.time_ns()}"
    with opened(state_dir, warnings) as db, _writing(db):
        db.execute(
            "INSERT INTO active VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token, os.getpid(), socket.gethostname(), kind, time.time(), files, "starting"),
        )
    return token, warnings


def phase(state_dir: Path, token: str, what: str) -> None:
    """Say what a run going on is doing now (shown by the dashboard)."""
    with opened(state_dir, []) as db, _writing(db):
        db.execute("UPDATE active SET phase = ? WHERE token = ?", (what, token))


def signature(state_dir: Path) -> tuple[int, ...]:
    """Changes whenever a run writes the history (the web page's cue to update)."""
    out: list[int] = []
    for name in (HISTORY, HISTORY + "-wal"):
        try:
            st = (state_dir / name).stat()
        except OSError:
            out += [0, 0, 0]
            continue
        out += [st.st_ino, st.st_size, st.st_mtime_ns]
    return tuple(out)
