"""The pattern store, .heal/patterns.sqlite: every verified heal as a normalised before/after
snippet with its outcome, found again for a new finding (same rule first, then BM25 over the
snippets through sqlite's FTS5); a pattern whose later uses fail stops being offered."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from healers import folder, snippets
from healers.state import audit

PATTERNS = "patterns.sqlite"
BUSY_TIMEOUT = 60.0
QUERY_WORDS = 24  # the words of a snippet a query uses (its first distinct ones)
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS patterns (
        id INTEGER PRIMARY KEY, rule TEXT NOT NULL, code TEXT NOT NULL, kind TEXT NOT NULL,
        before TEXT NOT NULL, after TEXT NOT NULL, outcome TEXT NOT NULL, "when" TEXT NOT NULL,
        successes INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS patterns_rule ON patterns (rule, id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS pattern_text
        USING fts5(rule, before, tokenize="unicode61 tokenchars '_'")""",
    """CREATE TABLE IF NOT EXISTS uses (
        pattern INTEGER NOT NULL, fingerprint TEXT NOT NULL, outcome TEXT NOT NULL,
        "when" TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS proposals (
        fingerprint TEXT NOT NULL, rule TEXT NOT NULL, used INTEGER NOT NULL,
        queued INTEGER NOT NULL, "when" TEXT NOT NULL)""",
)
COLUMNS = 'id, rule, code, kind, before, after, outcome, "when", successes, failures'
OFFERED = "outcome = 'kept' AND failures <= successes"


class PatternsError(RuntimeError):
    """.heal/patterns.sqlite exists but cannot be read or written as heal's pattern store."""


@dataclass(frozen=True)
class Learned:
    """A heal to remember: kind is codemod, approved (a person approved heal's fix) or model."""

    rule: str
    code: str
    kind: str
    before: str  # normalised (snippets.normalize)
    after: str
    outcome: str = "kept"  # kept | rolled-back | rejected
    fingerprint: str = ""


@dataclass(frozen=True)
class Pattern:
    id: int
    rule: str
    code: str
    kind: str
    before: str
    after: str
    outcome: str
    when: str
    successes: int = 0  # later uses in a prompt whose patch was approved and kept
    failures: int = 0  # ... rolled back or rejected

    @property
    def offered(self) -> bool:
        return self.outcome == "kept" and self.failures <= self.successes

    @property
    def success_rate(self) -> float | None:
        uses = self.successes + self.failures
        return self.successes / uses if uses else None


@dataclass(frozen=True)
class Summary:
    stored: int
    offered: int
    proposals: int  # findings a model proposed a patch for
    reused: int  # ... whose prompt held a stored pattern

    @property
    def reuse_rate(self) -> float | None:
        return self.reused / self.proposals if self.proposals else None


@contextmanager
def _db(state_dir: Path, *, write: bool) -> Iterator[sqlite3.Connection]:
    path = state_dir / PATTERNS
    try:
        folder.check_database(state_dir, PATTERNS)  # sqlite follows links: none may be there
    except OSError as exc:
        raise PatternsError(f"{path}: {exc}") from None
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            db.executescript(";\n".join(SCHEMA) + ";")
            if write:
                db.execute("BEGIN IMMEDIATE")  # the write lock now: waits out a concurrent run
            yield db
            if write:
                db.execute("COMMIT")
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise PatternsError(f"{path}: {exc} (delete it to start learning anew)") from None


def _rule_word(rule: str) -> str:
    return rule.replace("-", "_")


def add(state_dir: Path, learned: Sequence[Learned]) -> None:
    """Record heals in one transaction."""
    if not learned:
        return
    state_dir.mkdir(parents=True, exist_ok=True)
    when = audit.now_iso()
    rows = [(x.rule, x.code, x.kind, x.before, x.after, x.outcome, when) for x in learned]
    with _db(state_dir, write=True) as db:  # the write lock: the new ids follow the last one
        (last,) = db.execute("SELECT COALESCE(MAX(id), 0) FROM patterns").fetchone()
        db.executemany(
            'INSERT INTO patterns (rule, code, kind, before, after, outcome, "when") '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.execute(  # the rule as one FTS5 word: unicode61 splits at "-"
            "INSERT INTO pattern_text (rowid, rule, before) "
            "SELECT id, replace(rule, '-', '_'), before FROM patterns WHERE id > ?",
            (last,),
        )


def _match(words: Sequence[str], rule: str, *, same: bool) -> str:
    anywhere = "before : (" + " OR ".join(f'"{w}"' for w in words) + ")"
    on_rule = f'rule : "{_rule_word(rule)}"'
    return f"{on_rule} AND {anywhere}" if same else f"{anywhere} NOT {on_rule}"


def _ranked(db: sqlite3.Connection, query: str, limit: int) -> list[Pattern]:
    rows = db.execute(
        f"SELECT {', '.join('p.' + c for c in COLUMNS.split(', '))} FROM pattern_text "  # nosec B608 - constant column names
        f"JOIN patterns p ON p.id = pattern_text.rowid WHERE pattern_text MATCH ? AND {OFFERED} "
        "ORDER BY bm25(pattern_text, 0.0, 1.0) LIMIT ?",
        (query, limit),
    ).fetchall()
    return [Pattern(*row) for row in rows]


def similar(state_dir: Path, rule: str, snippet: str, *, k: int = 3) -> list[Pattern]:
    """Up to `k` offered patterns for a new finding of `rule` whose (normalised) flagged code is
    `snippet`: the rule's own patterns by similarity, then its latest, then other rules' by
    similarity. Identical patterns count once."""
    if not (state_dir / PATTERNS).is_file():
        return []
    words = snippets.words(snippet)[:QUERY_WORDS]
    found: dict[tuple[str, str], Pattern] = {}
    with _db(state_dir, write=False) as db:
        for stage in ("similar", "latest", "other rules"):
            if stage == "latest":
                batch = _latest(db, rule, 4 * k)
            elif words:
                batch = _ranked(db, _match(words, rule, same=stage == "similar"), 4 * k)
            else:
                batch = []
            for pattern in batch:
                found.setdefault((pattern.before, pattern.after), pattern)
            if len(found) >= k:
                break
    return list(found.values())[:k]


def _latest(db: sqlite3.Connection, rule: str, limit: int) -> list[Pattern]:
    rows = db.execute(
        f"SELECT {COLUMNS} FROM patterns WHERE rule = ? AND {OFFERED} ORDER BY id DESC LIMIT ?",  # nosec B608 - constant column names
        (rule, limit),
    ).fetchall()
    return [Pattern(*row) for row in rows]


def used(state_dir: Path, ids: Sequence[int], fingerprint: str, outcome: str) -> None:
    """The patch of a prompt that showed these patterns was kept, rolled back or rejected."""
    if not ids:
        return
    column = "successes" if outcome == "kept" else "failures"
    when = audit.now_iso()
    with _db(state_dir, write=True) as db:
        db.executemany(
            f"UPDATE patterns SET {column} = {column} + 1 WHERE id = ?",  # nosec B608 - column is one of two constants
            [(pattern,) for pattern in ids],
        )
        db.executemany(
            'INSERT INTO uses (pattern, fingerprint, outcome, "when") VALUES (?, ?, ?, ?)',
            [(pattern, fingerprint, outcome, when) for pattern in ids],
        )


def proposed(state_dir: Path, fingerprint: str, rule: str, *, used: int, queued: bool) -> None:
    """A model answered for this finding (its prompt showed `used` stored patterns)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with _db(state_dir, write=True) as db:
        db.execute(
            'INSERT INTO proposals (fingerprint, rule, used, queued, "when") '
            "VALUES (?, ?, ?, ?, ?)",
            (fingerprint, rule, used, int(queued), audit.now_iso()),
        )


def load(state_dir: Path) -> list[Pattern]:
    """Every pattern, oldest first; [] when nothing has been learned yet."""
    if not (state_dir / PATTERNS).is_file():
        return []
    with _db(state_dir, write=False) as db:
        rows = db.execute(f"SELECT {COLUMNS} FROM patterns ORDER BY id").fetchall()  # nosec B608 - constant column names
    return [Pattern(*row) for row in rows]


def summary(state_dir: Path) -> Summary | None:
    """What the store holds and how often proposals reused it; None when it does not exist."""
    if not (state_dir / PATTERNS).is_file():
        return None
    with _db(state_dir, write=False) as db:
        stored, offered = db.execute(
            f"SELECT COUNT(*), COALESCE(SUM({OFFERED}), 0) FROM patterns"  # nosec B608 - constant
        ).fetchone()
        asked, reused = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(used > 0), 0) FROM proposals"
        ).fetchone()
    return Summary(int(stored), int(offered), int(asked), int(reused))
