"""Issue 11, items 12 and 13: an interrupt during heal's own check of a pass takes the pass back,
and the report after `heal stop` mid-run tells what was written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import heal, heal_env, make_repo, snapshot

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
