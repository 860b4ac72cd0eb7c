"""Every kind of heal run appends its record to the run history, through the real CLI in a real
repository; trouble with the history never changes a run's result."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from healers.state import history
from healers.state.runs import Entry, detailed, read
from tests.helpers import git, heal, heal_env, make_repo

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

FILES = {
    "app.py": "import os\nimport sys\n\nprint(sys.argv)\n",  # an unused import: a safe fix
    "sh.py": "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n",
    "lists.py": "def add(item, items=[]):\n    items.append(item)\n    return items\n",
}


def recorded(repo: Path) -> list[Entry]:
    with history.opened(repo / ".heal", []) as db:
        return read(db)


def waiting(repo: Path, rule: str) -> str:
    run = heal(repo, "pending", "--output-format", "json")
    (found,) = [p["fingerprint"] for p in run.json()["pending"] if p["rule"] == rule]
    return str(found)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    made = make_repo(tmp_path / "repo", FILES)
    git(made, "config", "user.name", "t")
    git(made, "config", "user.email", "t@t")
    return made


def test_every_kind_of_run_is_recorded(repo: Path) -> None:
    assert heal(repo, "--scan").code == 3
    assert heal(repo, "--scan", "--diff").code == 3  # a preview: not recorded
    mutable = waiting(repo, "mutable-default-argument")  # a `pending` run
    shell = waiting(repo, "subprocess-shell-true")
    assert heal(repo, "approve", mutable).code == 0
    assert heal(repo, "reject", shell, "--reason", "callers pass constants").code == 0
    assert heal(repo, "--scan", "--fix").code == 0  # nothing left: B404 is not reported
    assert heal(repo, "undo").code == 0
    verify = f"{shlex.quote(sys.executable)} -c pass"
    assert heal(repo, "--scan", "--fix", "--verify-cmd", verify).code == 0
    assert heal(repo, "app.py").code == 0
    runs = recorded(repo)
    kinds = [r.kind for r in runs]
    assert kinds == [
        "scan",
        "pending",
        "pending",
        "approve",
        "reject",
        "fix",
        "undo",
        "verify",
        "hook",
    ]
    scan, _, pend, approve, reject, fix, undo, verified, hook = runs
    # B404 (import subprocess) is not reported by default; the mutable default is a proposal
    assert scan.found == 3 and scan.blocked == 1 and scan.scope == "project" and scan.exit == 3
    assert scan.by_category["security"] == 1 and scan.by_priority["P1"] == 1
    assert mutable in pend.proposals and pend.proposals[mutable][0].startswith("--- a/lists.py")
    assert approve.fixed == 1 and approve.audit_run == approve.id and approve.targets == (mutable,)
    assert reject.targets == (shell,) and reject.exit == 0
    assert fix.fixed == 1 and [h.rule for h in fix.heals] == ["unused-import"]
    assert [(h.status, h.path) for h in undo.heals] == [("undone", "app.py")]
    assert undo.scope == "none" and undo.files == 1
    assert verified.fixed == 1 and verified.rolled_back == 0
    assert hook.scope == "files" and hook.files == 1 and hook.exit == 0
    assert all(r.version and r.duration >= 0 and r.started > 0 for r in runs)
    with history.opened(repo / ".heal", []) as db:
        full = detailed(db, scan.id)
    assert full is not None and {s.path for s in full.findings} == {"app.py", "sh.py", "lists.py"}


def test_a_fix_the_verify_command_rejects_is_recorded_as_rolled_back(repo: Path) -> None:
    check = "import sys; sys.exit(0 if 'import os' in open('app.py').read() else 1)"
    verify = f"{shlex.quote(sys.executable)} -c {shlex.quote(check)}"
    run = heal(repo, "--scan", "--fix", "--verify-cmd", verify, "--select", "unused-import")
    assert run.code == 1, run.err
    (entry,) = recorded(repo)
    assert (entry.kind, entry.fixed, entry.rolled_back) == ("verify", 0, 1)
    assert [(h.status, h.rule) for h in entry.heals] == [("rolled-back", "unused-import")]


def test_a_run_that_fails_is_recorded_with_exit_2(repo: Path) -> None:
    failing = f"{shlex.quote(sys.executable)} -c 'raise SystemExit(1)'"
    run = heal(repo, "--scan", "--fix", "--verify-cmd", failing)
    assert run.code == 2
    (entry,) = recorded(repo)
    assert (entry.exit, entry.scope, entry.found) == (2, "none", 0)  # no figures of a failed run


def test_a_history_that_cannot_be_written_is_a_warning_not_a_failure(repo: Path) -> None:
    (repo / ".heal").mkdir()
    (repo / ".heal" / history.HISTORY).mkdir()  # a directory where the store should be
    run = heal(repo, "--scan", "--output-format", "json")
    assert run.code == 3
    assert run.json()["summary"]["found"] == 3
    assert "heal: warning: run history not recorded" in run.err
    assert run.err.count("run history not recorded") == 1  # once, not per stage


def test_a_corrupt_history_is_moved_aside_with_a_warning(repo: Path) -> None:
    (repo / ".heal").mkdir()
    (repo / ".heal" / history.HISTORY).write_bytes(b"not sqlite" * 500)
    run = heal(repo, "--scan")
    assert run.code == 3
    assert "moved to history.sqlite.corrupt-" in run.err
    assert [r.kind for r in recorded(repo)] == ["scan"]
    assert len(list((repo / ".heal").glob("history.sqlite.corrupt-*"))) == 1


def test_the_hook_does_not_import_rich(repo: Path) -> None:
    """The hook's start-up pays neither for rich nor for the dashboard."""
    code = (
        "import sys\nfrom healers import cli\ncode = cli.main(['app.py'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('rich', 'healers.dashboard'))))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo,
        capture_output=True,
        text=True,
        env=heal_env(),
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=300,
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr
    assert [r.kind for r in recorded(repo)] == ["hook"]
