"""Issue 11, items 12 and 13: an interrupt during heal's own check of a pass takes the pass back,
and the report after `heal stop` mid-run tells what was written."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import heal, heal_env, make_repo, snapshot, start_heal

pytestmark = pytest.mark.slow  # heal end to end

FIXABLE = dict.fromkeys(("a.py", "b.py", "c.py"), "import os\n\nX = 1\n")
# A mypy that, the second time heal starts it (the check after the fix pass), presses Ctrl-C:
# SIGINT to heal's whole process group, as a terminal sends it; otherwise it is the real mypy.
CTRL_C_MYPY = """\
import os, pathlib, runpy, signal, sys, time
count = pathlib.Path(os.environ["HEAL_TEST_COUNT"])
n = int(count.read_text()) + 1 if count.exists() else 1
count.write_text(str(n))
if n == 2:
    os.killpg(os.getpgid(0), signal.SIGINT)
    time.sleep(60)
here = os.path.realpath(os.path.dirname(os.path.dirname(__file__)))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != here]
for name in [m for m in sys.modules if m == "mypy" or m.startswith("mypy.")]:
    del sys.modules[name]
runpy.run_module("mypy", run_name="__main__", alter_sys=True)
"""


def test_ctrl_c_during_heals_own_mypy_check_takes_the_pass_back(tmp_path: Path) -> None:
    """The old run exited 130 and kept the pass's fixes, unchecked, including those the mypy
    check exists to roll back."""
    shadow = tmp_path / "shadow" / "mypy"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("", encoding="utf-8")
    (shadow / "__main__.py").write_text(CTRL_C_MYPY, encoding="utf-8")
    repo = make_repo(tmp_path / "repo", FIXABLE)
    before = snapshot(repo)
    env = heal_env(PYTHONPATH=str(shadow.parent), HEAL_TEST_COUNT=str(tmp_path / "count"))
    proc = subprocess.run(
        [sys.executable, "-m", "healers", "--scan", "--fix"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,  # the process group the fake Ctrl-C goes to
        check=False,
    )
    assert (tmp_path / "count").read_text() == "2", proc.stderr
    assert proc.returncode == 130, proc.stdout + proc.stderr
    assert snapshot(repo) == before, proc.stderr
    assert "this pass's fixes were taken back" in proc.stderr
    records = [
        json.loads(line) for line in (repo / ".heal" / "audit.jsonl").read_text().splitlines()
    ]
    summary = [r for r in records if r.get("kind") == "fix"]
    assert {r["path"] for r in summary} == set(FIXABLE)
    assert {r["verification"]["outcome"] for r in summary} == {"taken-back"}
    assert all(r["fixes"] == [] and r["rolled_back"] for r in summary)


def test_the_report_after_a_stop_mid_run_tells_what_was_written(tmp_path, monkeypatch) -> None:
    """The old report said every finding was still fixable, with no run id, although files were
    written and audited."""
    from healers import write

    repo = make_repo(tmp_path / "repo", FIXABLE)
    real_write = write.write_text

    def write_then_stop(state, text, **where):  # `heal stop` from another terminal
        problem = real_write(state, text, **where)
        assert heal(where["root"], "stop").code == 0
        return problem

    monkeypatch.setattr(write, "write_text", write_then_stop)
    run = heal(repo, "--scan", "--fix", "--output-format", "json")
    monkeypatch.undo()
    payload = run.json()
    assert payload["changed_files"] == ["a.py"], payload
    fixed = [f for f in payload["findings"] if f["status"] == "fixed"]
    assert [f["path"] for f in fixed] == ["a.py"]
    left = [f for f in payload["findings"] if f["status"] == "fixable"]
    assert sorted(f["path"] for f in left) == ["b.py", "c.py"]
    assert payload["summary"]["fixed"] == 1
    assert payload["run"], payload.keys()  # the run `heal undo` takes back
    text = heal(repo, "resume")
    assert text.code == 0


def _children(pid: int) -> set[int]:
    """The processes `pid` started that still run (its threads' children included)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _analyzers(pid: int) -> set[int]:
    """Its children that are analyzers or heal's workers (not git)."""
    found = set()
    for child in _children(pid):
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if {b"ruff", b"mypy", b"bandit", b"healers.tools.worker"} & set(argv):
                found.add(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


# A project whose analyzers take many seconds: heal has them running when the signal comes.
BIG = {
    "pyproject.toml": "[project]\nname = 'big'\nrequires-python = '>=3.10'\n",
    **{f"pkg{i // 50}/__init__.py": "" for i in range(0, 1000, 50)},
    **{
        f"pkg{i // 50}/m{i}.py": f"import subprocess\n\n\ndef f{i}(cmd: str, n: int) -> int:\n"
        "    subprocess.call(cmd, shell=True)\n    while n:\n        n -= 1\n    return n\n"
        for i in range(1000)
    },
}


@pytest.mark.parametrize("settle", [0.0, 1.5], ids=["while it starts them", "while they run"])
def test_sigterm_stops_a_scan_within_a_second_and_leaves_no_process(
    tmp_path: Path, settle: float
) -> None:
    repo = make_repo(tmp_path / "big", BIG)
    proc = start_heal(repo, "--scan", ".")
    deadline = time.monotonic() + 120
    while not _analyzers(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(settle)
    # after the settle the run may be between two analyzers: wait for the next one to be running
    while not _analyzers(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    started = _children(proc.pid)
    assert started, "heal started no analyzer"
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 130
    # the issue asks for a second; the margin is the shared machine's (the analyzers alone take
    # far longer on this project, so waiting for them fails)
    assert took < 2.0, took
    time.sleep(0.5)
    assert [pid for pid in started if _alive(pid)] == []
