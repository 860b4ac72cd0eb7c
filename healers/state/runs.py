"""The run history's records: Entry (one run), Seen (one finding it saw), Active (a run going on),
as rows of .heal/history.sqlite (history.py) and back."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

COLUMNS = (
    *("id", "started", "duration", "kind", "scope", "files", "found", "fixed", "rolled_back"),
    *("blocked", "remaining", "by_category", "by_priority", "exit", "version", "audit_run"),
    *("heals", "proposals", "targets"),
)


@dataclass(frozen=True)
class Seen:
    """One finding as a run saw it (the drill-down's row)."""

    fingerprint: str
    rule: str
    code: str
    category: str
    priority: str
    path: str
    line: int
    status: str
    message: str = ""
    severity: str = ""
    reason: str = ""
    column: int = 0


@dataclass(frozen=True)
class Entry:
    """One run: what it looked at, what it found, fixed, rolled back and left blocked."""

    id: str
    kind: str  # scan fix verify hook approve reject undo pending
    scope: str  # project: --scan (a snapshot of the project); files: hook mode; none: no analysis
    started: float  # unix seconds
    duration: float
    files: int = 0
    found: int = 0
    fixed: int = 0
    rolled_back: int = 0
    blocked: int = 0
    remaining: int = 0
    by_category: Mapping[str, int] = field(default_factory=dict)
    by_priority: Mapping[str, int] = field(default_factory=dict)
    exit: int = 0
    version: str = ""
    audit_run: str = ""  # the audit trail's run id when the run wrote files
    heals: tuple[Seen, ...] = ()  # the fixed findings, and those whose fix was rolled back
    # fingerprint -> (the fix heal proposes as a diff, or "" and why there is none)
    proposals: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    targets: tuple[str, ...] = ()  # the ids a command was given (approve, reject, undo)
    findings: tuple[Seen, ...] = ()  # every finding: the detail, dropped for old runs
    detailed: bool = True


@dataclass(frozen=True)
class Active:
    """A heal run going on now."""

    token: str
    pid: int
    host: str
    kind: str
    started: float
    files: int
    phase: str


def rows(seen: Sequence[Seen]) -> str:
    return json.dumps([asdict(s) for s in seen], ensure_ascii=False, separators=(",", ":"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def going_on(db: sqlite3.Connection) -> list[Active]:
    """The runs going on now on this host (a row whose process died is left out)."""
    host = socket.gethostname()
    rows = [Active(*r) for r in db.execute("SELECT * FROM active ORDER BY started")]
    return [a for a in rows if a.host != host or _alive(a.pid)]


def _seen(text: str) -> tuple[Seen, ...]:
    return tuple(Seen(**item) for item in json.loads(text))


def entry_of(row: Sequence[Any], detail: str | None = None) -> Entry:
    """An Entry from a `runs` row (COLUMNS order), with its detail when given."""
    values = dict(zip(COLUMNS, row, strict=True))
    values["by_category"] = json.loads(values["by_category"])
    values["by_priority"] = json.loads(values["by_priority"])
    values["heals"] = _seen(values["heals"])
    values["proposals"] = {k: (v[0], v[1]) for k, v in json.loads(values["proposals"]).items()}
    values["targets"] = tuple(json.loads(values["targets"]))
    if detail is None:
        return Entry(**values, detailed=False)
    return Entry(**values, findings=_seen(detail))


def read(db: sqlite3.Connection, *, since: float = 0.0) -> list[Entry]:
    """The runs started at or after `since`, oldest first, without their detail."""
    query = f"SELECT {', '.join(COLUMNS)} FROM runs WHERE started >= ? ORDER BY started, id"  # nosec B608 - constant column names
    return [entry_of(row) for row in db.execute(query, (since,))]


def detailed(db: sqlite3.Connection, run_id: str) -> Entry | None:
    """One run with its detail, when it still has it."""
    query = f"SELECT {', '.join(COLUMNS)}, detail FROM runs WHERE id = ?"  # nosec B608 - constant column names
    row = db.execute(query, (run_id,)).fetchone()
    if row is None:
        return None
    return entry_of(row[:-1], row[-1])
