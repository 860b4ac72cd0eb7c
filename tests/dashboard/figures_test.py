"""The dashboard's figures from a known history: success over time windows, trends per day,
pending approvals, the last heals, and an empty or corrupt store."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers.dashboard import figures, trends
from healers.state import compaction, history, stats
from tests.helpers import NOW, entry, seen

HOUR = 3600.0


def known_history(state_dir: Path) -> None:
    """Three days of runs: a scan 3 days ago, a fix 5 hours ago (one rollback), a hook 10
    minutes ago, an undo of one fix, and a scan that failed."""
    old = (seen("s1", category="security", status="needs-approval"), seen("t1", category="type"))
    history.record(
        state_dir,
        entry(
            "scan-old",
            started=NOW - 3 * 86_400,
            found=2,
            by_category={"security": 1, "type": 1},
            findings=old,
        ),
    )
    fixed = seen("i1", category="import", status="fixed", path="src/m.py", line=4)
    back = seen("i2", category="import", status="rolled-back", rule="unsorted-imports")
    history.record(
        state_dir,
        entry(
            "fix-1",
            kind="fix",
            started=NOW - 5 * HOUR,
            found=4,
            fixed=3,
            rolled_back=1,
            by_category={"import": 2, "security": 1, "type": 1},
            heals=(fixed, back),
            findings=(
                fixed,
                seen("s1", category="security", status="needs-approval"),
                seen("t1", category="type"),
            ),
            proposals={"s1": ("--- a/x.py\n+++ b/x.py\n-old\n+new\n", "")},
        ),
    )
    hook_fix = seen("h1", status="fixed", path="b.py", line=9)
    history.record(
        state_dir,
        entry("hook-1", kind="hook", scope="files", started=NOW - 600, fixed=1, heals=(hook_fix,)),
    )
    undone = seen("h1", status="undone", path="b.py", line=9)
    history.record(
        state_dir, entry("undo-1", kind="undo", scope="none", started=NOW - 300, heals=(undone,))
    )
    history.record(state_dir, entry("scan-failed", started=NOW - 60, exit=2, scope="none"))


def test_the_figures_of_a_known_history(tmp_path: Path) -> None:
    known_history(tmp_path)
    fig = figures.load(tmp_path, stats.Policy(), now=NOW, project="app")
    hour, day, week = fig.windows
    assert (hour.runs, hour.fixed, hour.rolled_back, hour.undone, hour.failed) == (3, 1, 0, 1, 1)
    assert hour.rate == 0.0  # the one fix of the last hour was undone
    assert (day.fixed, day.rolled_back, day.undone) == (4, 1, 1)
    assert day.rate == pytest.approx(3 / 5)
    assert week.runs == 5
    assert fig.snapshot is not None and fig.snapshot.id == "fix-1"  # the failed scan is no snapshot
    assert fig.by_category["import"] == 2 and fig.by_priority["P0"] == 0  # entries carry no P0
    # the snapshot's findings, then what recent runs healed or rolled back that it does not hold
    assert [(s.fingerprint, s.status) for s in fig.findings("import")] == [
        ("i1", "fixed"),
        ("i2", "rolled-back"),
    ]
    (waiting,) = fig.pending
    assert waiting.seen.fingerprint == "s1" and waiting.diff.startswith("--- a/x.py")
    assert [(h.run, h.seen.status) for h in fig.heals] == [
        ("undo-1", "undone"),
        ("hook-1", "fixed"),
        ("fix-1", "fixed"),
        ("fix-1", "rolled-back"),
    ]
    assert fig.latest is not None and fig.latest.id == "scan-failed"


def test_the_series_has_a_point_per_day_with_runs(tmp_path: Path) -> None:
    known_history(tmp_path)
    fig = figures.load(tmp_path, stats.Policy(), now=NOW)
    days = [p.day for p in fig.series]
    assert days == sorted(set(days))
    assert days[0] == compaction.day_of(NOW - 3 * 86_400)
    first = fig.series[0]
    assert first.by_category == {"security": 1, "type": 1} and first.rate is None


def test_a_reject_after_the_snapshot_takes_the_finding_off_the_pending_list(tmp_path: Path) -> None:
    known_history(tmp_path)
    history.record(
        tmp_path, entry("reject-1", kind="reject", scope="none", started=NOW - 30, targets=("s1",))
    )
    assert figures.load(tmp_path, stats.Policy(), now=NOW).pending == ()


def test_a_rule_that_lost_trust_is_listed(tmp_path: Path) -> None:
    stats.add(
        tmp_path, {"unsorted-imports": {"applied": 5, "rolled_back": 3}, "ok": {"applied": 9}}
    )
    fig = figures.load(tmp_path, stats.Policy(), now=NOW)
    assert [c.rule for c in fig.rules] == ["unsorted-imports"]
    assert fig.demoted == {"unsorted-imports"}


def test_an_empty_history_has_empty_figures(tmp_path: Path) -> None:
    fig = figures.load(tmp_path / "none", stats.Policy(), now=NOW)
    assert fig.latest is None and fig.snapshot is None and fig.runs == 0
    assert all(w.runs == 0 and w.rate is None for w in fig.windows)
    assert fig.series == () and fig.pending == () and fig.heals == ()
    assert not (tmp_path / "none").exists()  # reading creates nothing


def test_a_corrupt_history_reads_as_empty_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / history.HISTORY).write_bytes(b"garbage" * 1000)
    fig = figures.load(tmp_path, stats.Policy(), now=NOW)
    assert fig.runs == 0
    assert any("moved to history.sqlite.corrupt-" in w for w in fig.warnings)


@pytest.mark.parametrize(
    ("fixed", "rolled_back", "undone", "rate"),
    [
        pytest.param(0, 0, 0, None, id="no fix made"),
        pytest.param(9, 1, 0, 0.9, id="one rolled back"),
        pytest.param(4, 0, 1, 0.75, id="one undone"),
        pytest.param(1, 0, 3, 0.0, id="more undone than made in the window"),
    ],
)
def test_success_rate(fixed: int, rolled_back: int, undone: int, rate: float | None) -> None:
    assert trends.success_rate(fixed, rolled_back, undone) == rate
