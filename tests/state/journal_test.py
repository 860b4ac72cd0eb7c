"""Issue 11, items 8-10: the audit is written ahead of each write, an editor's save during
heal's write is not lost, and damaged audit records break neither `heal log` nor `heal undo`."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from tests.helpers import heal, heal_env, heal_process, make_repo, snapshot

pytestmark = pytest.mark.slow  # heal end to end

FIXABLE = '"""Imports what it never uses."""\n\nimport os\n\nX = 1\n'
# Loaded into the heal process only (through PYTHONPATH + HEAL_TEST_SIGNAL): sends heal the
# signal right after (or just before) the first rename of a project file, as `kill` would.
KILLER = """\
import os, signal
_how = os.environ.get("HEAL_TEST_SIGNAL", "")
if _how and os.environ.get("HEAL_TEST_PID") is None:
    os.environ["HEAL_TEST_PID"] = str(os.getpid())  # the tools heal starts inherit it
    _real = os.replace
    def replace(src, dst, **kw):
        when, _, name = _how.partition(":")
        project = str(dst).endswith(".py") and os.getpid() == int(os.environ["HEAL_TEST_PID"])
        if project and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        _real(src, dst, **kw)
        if project and when == "after":
            os.kill(os.getpid(), getattr(signal, name))
    os.replace = replace
"""


def killing_env(tmp_path: Path, how: str) -> dict[str, str]:
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(KILLER, encoding="utf-8")
    return heal_env(PYTHONPATH=str(hook), HEAL_TEST_SIGNAL=how)


@pytest.mark.parametrize("name", ["SIGKILL", "SIGTERM"])
def test_a_run_killed_right_after_a_rename_leaves_a_record_undo_understands(tmp_path, name):
    """The old trail was appended at the end: killed just after os.replace, the file was
    changed with no record, and `heal undo` said "nothing to undo"."""
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE, "b.py": FIXABLE})
    before = snapshot(repo)
    killed = heal_process(repo, "--scan", "--fix", env=killing_env(tmp_path, f"after:{name}"))
    assert killed.code in (-signal.SIGKILL, 130), killed.err
    assert snapshot(repo) != before  # one file was rewritten before the signal
    log = heal(repo, "log")
    assert log.code == 0, log.err
    if name == "SIGKILL":
        assert "INCOMPLETE" in log.out and "written" in log.out
    undo = heal(repo, "undo")
    assert undo.code == 0, undo.out + undo.err
    assert snapshot(repo) == before


def test_a_run_killed_before_a_rename_leaves_a_temp_file_the_next_run_removes(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE})
    killed = heal_process(repo, "--scan", "--fix", env=killing_env(tmp_path, "before:"))
    assert killed.code == -signal.SIGKILL
    assert [p.name for p in repo.glob(".heal-*.tmp")]
    assert (repo / "a.py").read_text(encoding="utf-8") == FIXABLE
    assert heal(repo, "undo").out == "heal undo: nothing to undo\n"  # the write never happened
    again = heal(repo, "--scan", "--fix")
    assert again.code == 0, again.err
    assert list(repo.glob(".heal-*.tmp")) == []


def test_an_audit_trail_that_cannot_be_written_stops_the_run_before_any_write(tmp_path):
    """`.heal/blobs` a file: the old run rewrote the files, then failed (exit 2) with no record
    and nothing `heal undo` could take back."""
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE, ".heal/blobs": "not a folder\n"})
    before = snapshot(repo)
    run = heal(repo, "--scan", "--fix")
    assert (run.code, run.out) == (2, "")
    assert run.err.count("\n") == 1 and "blobs" in run.err
    assert snapshot(repo) == before


def test_an_editor_save_while_heal_writes_is_kept(tmp_path, monkeypatch):
    """An editor saves app.py after heal checked it and while heal's new copy is being written:
    the old writer renamed over the save; now it is noticed just before the rename."""
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE})
    saved = '"""Saved by the editor meanwhile."""\n\nimport os\n\nprint(os.sep)\n'
    real_fsync = os.fsync

    def fsync_then_editor_saves(fd: int) -> None:
        real_fsync(fd)
        name = os.readlink(f"/proc/self/fd/{fd}")
        if Path(name).parent == repo and Path(name).name.startswith(".heal-"):
            (repo / "app.py").write_text(saved, encoding="utf-8")

    monkeypatch.setattr(os, "fsync", fsync_then_editor_saves)
    run = heal(repo, "app.py", "--fix")
    monkeypatch.undo()
    assert (repo / "app.py").read_text(encoding="utf-8") == saved
    assert "app.py: changed on disk during the run; left alone" in run.out
    assert list(repo.glob(".heal-*.tmp")) == []


def test_damaged_audit_records_are_named_and_skipped(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE, "b.py": FIXABLE})
    assert heal(repo, "--scan", "--fix").code == 0
    trail = repo / ".heal" / "audit.jsonl"
    good = trail.read_bytes()
    cut = json.dumps({"run": "r0", "path": "ü.py", "kind": "fix"}, ensure_ascii=False).encode()
    missing = json.dumps({"run": "r1", "path": "a.py", "kind": "fix", "time": "t"}).encode()
    trail.write_bytes(cut[: cut.index("ü".encode()) + 1] + b"\n" + missing + b"\n" + good)
    log = heal(repo, "log")
    assert log.code == 0, log.err
    assert "line 1: not valid UTF-8" in log.err
    assert "line 2: a fix record without sha256_before, sha256_after" in log.err
    assert "Traceback" not in log.err
    undo = heal(repo, "undo")
    assert undo.code == 0, undo.err
    assert "restored a.py" in undo.out and "restored b.py" in undo.out
    assert (repo / "a.py").read_text(encoding="utf-8") == FIXABLE
