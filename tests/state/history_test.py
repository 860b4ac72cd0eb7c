"""The run history store: records round-trip, concurrent runs, a corrupt store, compaction, the
runs going on, and the .gitignore heal keeps up to date."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from pathlib import Path

import pytest

from healers import state
from healers.state import compaction, history
from healers.state.runs import Entry, Seen, detailed, going_on, read
from tests.helpers import NOW, entry, seen

DAY = compaction.DAY


def load(state_dir: Path) -> list[Entry]:
    with history.opened(state_dir, []) as db:
        return read(db)


def test_a_record_round_trips(tmp_path: Path) -> None:
    fixed = seen("f1", status="fixed")
    made = entry(
        "r1",
        started=NOW - 100,
        found=3,
        fixed=1,
        rolled_back=1,
        blocked=1,
        by_category={"security": 2, "style": 1},
        heals=(fixed,),
        findings=(fixed, seen("f2", status="needs-approval"), seen("f3")),
        proposals={"f2": ("--- a\n+++ b\n", "")},
        targets=("abcdef",),
    )
    assert history.record(tmp_path, made) == []
    (back,) = load(tmp_path)
    assert back.detailed is False and back.findings == ()  # the detail is read on demand
    assert (back.id, back.found, back.fixed, back.rolled_back, back.blocked) == ("r1", 3, 1, 1, 1)
    assert back.by_category == {"security": 2, "style": 1}
    assert back.heals == (fixed,) and back.targets == ("abcdef",)
    assert back.proposals == {"f2": ("--- a\n+++ b\n", "")}
    with history.opened(tmp_path, []) as db:
        full = detailed(db, "r1")
    assert full is not None and full.findings == made.findings


def _record_many(state_dir: str, worker: int, count: int) -> None:
    for i in range(count):
        history.record(Path(state_dir), entry(f"w{worker}-{i}", started=NOW - 1000 + i))


def test_concurrent_runs_lose_no_record(tmp_path: Path) -> None:
    """Four processes write 25 records each at once: the store holds all 100."""
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_record_many, args=(str(tmp_path), w, 25)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
        assert p.exitcode == 0
    assert len({e.id for e in load(tmp_path)}) == 100


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"this is not a database at all" * 200, id="not a database"),
        pytest.param(b"SQLite format 3\x00" + b"\xff" * 4000, id="a damaged header"),
    ],
)
def test_a_corrupt_store_is_moved_aside_and_a_new_one_started(
    tmp_path: Path, content: bytes
) -> None:
    (tmp_path / history.HISTORY).write_bytes(content)
    warnings = history.record(tmp_path, entry("r1"))
    assert len(warnings) == 1 and "moved to history.sqlite.corrupt-" in warnings[0]
    (aside,) = tmp_path.glob("history.sqlite.corrupt-*")
    assert aside.read_bytes() == content  # kept as it was, for whoever wants to look
    assert [e.id for e in load(tmp_path)] == ["r1"]


def test_a_store_of_another_schema_is_moved_aside(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / history.HISTORY)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO meta VALUES ('schema', '99')")
    db.commit()
    db.close()
    warnings = history.record(tmp_path, entry("r1"))
    assert "history schema 99" in warnings[0]
    assert [e.id for e in load(tmp_path)] == ["r1"]


def test_a_store_that_cannot_be_opened_is_an_error_not_a_loss(tmp_path: Path) -> None:
    (tmp_path / history.HISTORY).mkdir()  # a directory where the file should be
    with pytest.raises(history.HistoryError, match=r"history\.sqlite"):
        history.record(tmp_path, entry("r1"))
    assert (tmp_path / history.HISTORY).is_dir()  # nothing was moved or deleted


def test_old_runs_are_folded_into_days_with_their_totals(tmp_path: Path) -> None:
    now = NOW
    old = now - (compaction.KEEP_DAYS + 3) * DAY
    old -= old % DAY - DAY / 2  # noon (UTC) of that day: near midnight the runs fell on two days
    cats = {"security": 4}
    history.record(tmp_path, entry("old-1", started=old, fixed=2, rolled_back=1, scope="files"))
    history.record(tmp_path, entry("old-2", started=old + 60, found=4, by_category=cats))
    history.record(tmp_path, entry("old-3", started=old + 120, exit=2, scope="none"))
    history.record(tmp_path, entry("new", started=now - 60, fixed=5))
    with history.opened(tmp_path, []) as db:  # each record compacted what was too old
        days = compaction.days(db)
        kept = read(db)
    assert [e.id for e in kept] == ["new"]
    (day,) = days
    assert day.day == compaction.day_of(old) and day.kind == "scan"
    assert (day.runs, day.fixed, day.rolled_back, day.failed) == (3, 2, 1, 1)
    assert day.snapshot == cats  # the day's last --scan that did not fail


def test_detail_is_kept_for_recent_runs_and_the_newest_snapshot(tmp_path: Path) -> None:
    history.record(tmp_path, entry("scan", started=NOW - 500, findings=(seen("a"),)))
    for i in range(compaction.DETAIL_RUNS + 5):
        history.record(tmp_path, entry(f"hook-{i}", started=NOW - 400 + i, scope="files"))
    with history.opened(tmp_path, []) as db:
        first_hook, scan = detailed(db, "hook-0"), detailed(db, "scan")
        last_hook = detailed(db, f"hook-{compaction.DETAIL_RUNS + 4}")
    assert first_hook is not None and first_hook.detailed is False
    assert last_hook is not None and last_hook.detailed is True
    assert scan is not None and scan.findings == (seen("a"),)


def test_a_run_going_on_is_listed_until_it_records(tmp_path: Path) -> None:
    token, _ = history.start(tmp_path, "fix", 7)
    history.phase(tmp_path, token, "fix pass 2")
    with history.opened(tmp_path, []) as db:
        (going,) = going_on(db)
    assert (going.kind, going.files, going.phase, going.pid) == (
        "fix",
        7,
        "fix pass 2",
        os.getpid(),
    )
    history.record(tmp_path, entry("r1"), token=token)
    with history.opened(tmp_path, []) as db:
        assert going_on(db) == []


def test_a_run_whose_process_died_is_not_going_on(tmp_path: Path) -> None:
    child = multiprocessing.get_context("spawn").Process(target=_register, args=(str(tmp_path),))
    child.start()
    child.join(60)
    with history.opened(tmp_path, []) as db:
        assert db.execute("SELECT count(*) FROM active").fetchone() == (1,)
        assert going_on(db) == []


def _register(state_dir: str) -> None:
    history.start(Path(state_dir), "hook", 1)  # and exits without recording


def test_the_signature_changes_when_a_run_records(tmp_path: Path) -> None:
    before = history.signature(tmp_path)
    history.record(tmp_path, entry("r1"))
    middle = history.signature(tmp_path)
    history.record(tmp_path, entry("r2"))
    assert len({before, middle, history.signature(tmp_path)}) == 3


def test_ensure_writes_the_gitignore_listing_every_store(tmp_path: Path) -> None:
    state_dir = state.ensure(tmp_path)
    listed = (state_dir / ".gitignore").read_text(encoding="utf-8").splitlines()
    for store in ("history.sqlite", "history.sqlite-*", "stats.sqlite", "audit.jsonl", "blobs/"):
        assert store in listed


def test_ensure_adds_missing_lines_in_place_and_keeps_the_others(tmp_path: Path) -> None:
    (tmp_path / ".heal").mkdir()
    ignore = tmp_path / ".heal" / ".gitignore"
    old = "# written by heal\naudit.jsonl\nstats.sqlite\ncache/\nlock\nblobs/\nstop\nmine.txt"
    ignore.write_text(old, encoding="utf-8")  # an older heal's file, a line of the user's
    state.ensure(tmp_path)
    now = ignore.read_text(encoding="utf-8")
    assert now.startswith(old + "\n")
    assert {"history.sqlite", "history.sqlite-*"} <= set(now.splitlines())
    assert now.count("audit.jsonl") == 1
    state.ensure(tmp_path)
    assert ignore.read_text(encoding="utf-8") == now  # a second time changes nothing


def test_seen_rows_keep_every_field() -> None:
    row = Seen("fp", "rule", "ruff:F401", "import", "P2", "a.py", 3, "fixed", "m", "", "why", 5)
    assert Seen(**row.__dict__) == row


def test_past_max_runs_the_oldest_are_folded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compaction, "MAX_RUNS", 5)  # the limit, made small enough to reach
    for i in range(8):
        history.record(tmp_path, entry(f"r{i}", started=NOW - 100 + i, fixed=1))
    with history.opened(tmp_path, []) as db:
        kept, days = read(db), compaction.days(db)
    assert [e.id for e in kept] == [f"r{i}" for i in range(3, 8)]
    assert sum(d.runs for d in days) == 3 and sum(d.fixed for d in days) == 3


def test_the_schema_records_its_version(tmp_path: Path) -> None:
    history.record(tmp_path, entry("r1"))
    with history.opened(tmp_path, []) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == (
            history.SCHEMA_VERSION,
        )
