"""Emergency stop, interrupts, full disks and concurrent runs: files stay whole, .heal/ valid."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from healers import write
from tests.helpers import heal, make_repo, snapshot, start_heal

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

FIXABLE = dict.fromkeys(("a.py", "b.py", "c.py"), "import os\n\nX = 1\n")
FIXED = "\nX = 1\n"


def temps(repo: Path) -> list[Path]:
    return list(repo.rglob(".heal-*.tmp"))


def audit_lines(repo: Path, *, ahead: bool = False) -> list[dict[str, Any]]:
    """The audit records of the runs (with `ahead`, also the write-ahead records of each write)."""
    path = repo / ".heal" / "audit.jsonl"
    if not path.exists():
        return []
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [r for r in records if ahead or r.get("kind") != "write"]


def test_stop_refuses_writes_until_resume(tmp_path):
    repo = make_repo(tmp_path / "repo", FIXABLE)
    before = snapshot(repo)
    assert heal(repo, "stop", "bad", "release").code == 0
    run = heal(repo, "--scan", "--fix")
    assert snapshot(repo) == before
    assert "heal is stopped (heal stop at " in run.out and ": bad release)" in run.out
    assert run.code == 1  # the findings are still reported
    resumed = heal(repo, "resume")
    assert (resumed.code, resumed.out) == (0, "heal resumed: runs may write again\n")
    assert heal(repo, "--scan", "--fix").code == 0
    assert {(repo / n).read_text() for n in FIXABLE} == {FIXED}
    assert heal(repo, "resume").out == "heal was not stopped\n"


def test_stop_during_a_run_finishes_the_current_file_and_writes_no_more(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", FIXABLE)
    real_write = write.write_text

    def write_then_stop(state, text, **where):  # `heal stop` from another terminal
        problem = real_write(state, text, **where)
        root = where["root"]
        assert heal(root, "stop").code == 0
        return problem

    monkeypatch.setattr(write, "write_text", write_then_stop)
    run = heal(repo, "--scan", "--fix")
    assert [(repo / n).read_text() for n in sorted(FIXABLE)] == [FIXED, *[FIXABLE["b.py"]] * 2]
    assert "the run stopped writing" in run.out
    [record] = audit_lines(repo)
    assert record["path"] == "a.py"


SLOW_CHECK = """
import os, pathlib, sys, time
marker = pathlib.Path(sys.argv[1])
count = int(marker.read_text()) + 1 if marker.exists() else 1
marker.write_text(str(count))
if count > 1:  # after the fix pass: hold on until heal is interrupted
    pathlib.Path(sys.argv[2]).write_text(str(os.getpid()))
    time.sleep(120)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_interrupt_during_verification_takes_the_pass_back(tmp_path, signum):
    repo = make_repo(tmp_path / "repo", FIXABLE)
    before = snapshot(repo)
    script, count, pid_file = tmp_path / "check.py", tmp_path / "count", tmp_path / "pid"
    script.write_text(SLOW_CHECK)
    command = f"{sys.executable} {script} {count} {pid_file}"
    proc = start_heal(repo, "--scan", "--fix", "--verify-cmd", command)
    deadline = time.monotonic() + 240
    while not pid_file.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.2)  # the pid is written before the sleep starts
    assert snapshot(repo) != before  # the fixes are on disk, unverified
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "heal: interrupted" in err
    assert snapshot(repo) == before  # unverified fixes never stay
    assert temps(repo) == []
    records = audit_lines(repo)
    assert {r["path"] for r in records} == set(FIXABLE)
    assert all(r["sha256_before"] == r["sha256_after"] for r in records)
    assert {r["verification"]["outcome"] for r in records} == {"taken-back"}
    assert not running(int(pid_file.read_text()))  # the command heal started is gone too


def running(pid: int) -> bool:
    """Alive and not a zombie (a killed grandchild waits for init to reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def fail_replace_of(monkeypatch, failures: dict[str, BaseException]) -> None:
    real_replace = os.replace

    def replace(src, dst, **dir_fds):
        error = failures.get(Path(dst).name)
        if error is not None:
            raise error
        return real_replace(src, dst, **dir_fds)

    monkeypatch.setattr(os, "replace", replace)


def test_interrupt_while_writing_takes_the_unverified_files_back(tmp_path, monkeypatch):
    """Issue 11, item 12: a.py is written, the interrupt comes while b.py is: nothing of the
    pass was checked yet (heal's mypy check comes after the pass), so a.py goes back too."""
    repo = make_repo(tmp_path / "repo", FIXABLE)
    before = snapshot(repo)
    fail_replace_of(monkeypatch, {"b.py": KeyboardInterrupt()})
    run = heal(repo, "--scan", "--fix")
    monkeypatch.undo()
    assert run.code == 130
    assert snapshot(repo) == before
    assert temps(repo) == []
    [record] = audit_lines(repo)
    assert (record["path"], record["verification"]["outcome"]) == ("a.py", "taken-back")
    assert record["sha256_before"] == record["sha256_after"]
    assert "this pass's fixes were taken back" in run.err
    assert heal(repo, "undo").out == "heal undo: nothing to undo\n"


def test_full_disk_and_permission_errors_cost_one_file_each(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", FIXABLE)
    fail_replace_of(
        monkeypatch,
        {
            "b.py": OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
            "c.py": PermissionError(errno.EACCES, os.strerror(errno.EACCES)),
        },
    )
    run = heal(repo, "--scan", "--fix", "--output-format", "json")
    monkeypatch.undo()
    assert run.code == 1
    assert [(repo / n).read_text() for n in sorted(FIXABLE)] == [FIXED, *[FIXABLE["b.py"]] * 2]
    left = {f["path"]: f for f in run.json()["findings"] if f["status"] != "fixed"}
    assert set(left) == {"b.py", "c.py"}
    assert "No space left on device" in left["b.py"]["fix"]
    assert "Permission denied" in left["c.py"]["fix"]
    assert temps(repo) == []
    assert [r["path"] for r in audit_lines(repo)] == ["a.py"]


def test_two_concurrent_runs_keep_heal_state_valid(tmp_path):
    files = {f"m{i}.py": "import sys\nimport json\n\nX = 1\n" for i in range(16)}
    repo = make_repo(tmp_path / "repo", files)
    procs = [start_heal(repo, "--scan", "--fix") for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode in (0, 1), out + err
        assert "Traceback" not in err
    assert {(repo / n).read_text() for n in files} == {"\nX = 1\n"}
    records = audit_lines(repo)  # every line parses
    assert len({(r["run"], r["path"]) for r in records}) == len(records)
    for name in files:  # the last record of each file says what is on disk now
        last = [r for r in records if r["path"] == name][-1]
        assert last["sha256_after"] == hashlib.sha256((repo / name).read_bytes()).hexdigest()
    with sqlite3.connect(repo / ".heal" / "stats.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        applied = dict(db.execute("SELECT rule, applied FROM rules").fetchall())
    fixes = [f["rule"] for r in records for f in r["fixes"]]
    assert applied == {rule: fixes.count(rule) for rule in set(fixes)}
    assert temps(repo) == []
