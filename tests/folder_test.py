"""Issue 11, item 4: a repository may commit `.heal` or any file heal keeps in it as a link;
heal writes through none of them (exit 2, one line), and writes nothing outside the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from healers import folder
from tests.helpers import heal, make_repo, snapshot

pytestmark = pytest.mark.slow  # heal end to end

FIXABLE = '"""Imports what it never uses."""\n\nimport os\n\nX = 1\n'
PRECIOUS = b"precious: heal must not touch this\n"

# the name under the project (what the repository commits as a link) -> what it points at
LINKS = [
    pytest.param(".heal", "outdir", id=".heal itself"),
    pytest.param(".heal/audit.jsonl", "outdir/target", id="audit.jsonl"),
    pytest.param(".heal/stats.sqlite", "outdir/target", id="stats.sqlite"),
    pytest.param(".heal/stats.sqlite-journal", "outdir/target", id="stats.sqlite-journal"),
    pytest.param(".heal/stats.sqlite-wal", "outdir/target", id="stats.sqlite-wal"),
    pytest.param(".heal/history.sqlite", "outdir/target", id="history.sqlite"),
    pytest.param(".heal/history.sqlite-wal", "outdir/target", id="history.sqlite-wal"),
    pytest.param(".heal/.gitignore", "outdir/target", id=".gitignore"),
    pytest.param(".heal/blobs", "outdir", id="blobs/"),
    pytest.param(".heal/cache", "outdir", id="cache/"),
    pytest.param(".heal/lock", "outdir/target", id="lock"),
    pytest.param(".heal/baseline.json", "outdir/target", id="baseline.json"),
    pytest.param(".heal/approvals.toml", "outdir/target", id="approvals.toml"),
]


def outside(tmp_path: Path) -> Path:
    out = tmp_path / "outdir"
    out.mkdir()
    (out / "target").write_bytes(PRECIOUS)
    return out


def outside_is_untouched(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == ["target"]
    assert (out / "target").read_bytes() == PRECIOUS


@pytest.mark.parametrize(("name", "points_at"), LINKS)
def test_a_committed_link_in_the_state_folder_is_refused(
    tmp_path: Path, name: str, points_at: str
) -> None:
    out = outside(tmp_path)
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE}, commit=False)
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).symlink_to(tmp_path / points_at)
    before = snapshot(repo)
    run = heal(repo, "--scan", ".", "--fix")
    assert run.code == 2, run.out + run.err
    lines = run.err.strip().splitlines()
    errors = [line for line in lines if line.startswith("heal: error:")]
    assert len(errors) == 1 and "symbolic link" in errors[0], run.err
    assert name.rpartition("/")[2] in errors[0]
    # besides the error, at most the history's own warning that it was not recorded (same link)
    assert all("symbolic link" in line for line in lines), run.err
    outside_is_untouched(out)
    assert snapshot(repo) == before  # refused before anything was written


def test_a_hard_linked_audit_trail_is_not_appended_to(tmp_path: Path) -> None:
    out = outside(tmp_path)
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE})
    assert heal(repo, "--scan", ".").code == 1  # makes .heal/
    os.link(out / "target", repo / ".heal" / "audit.jsonl")
    run = heal(repo, "--scan", ".", "--fix")
    assert run.code == 2, run.out + run.err
    assert "hard links" in run.err
    outside_is_untouched(out)


@pytest.mark.parametrize("command", [["--scan", "."], ["log"], ["undo"], ["pending"], ["stats"]])
def test_a_state_folder_that_is_a_file_is_a_clear_error_for_every_command(
    tmp_path: Path, command: list[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE, ".heal": "not a folder\n"})
    run = heal(repo, *command)
    assert (run.code, run.out) == (2, "")
    assert run.err.strip().endswith(".heal is a file, not heal's state folder; move it away")


def test_an_emergency_stop_that_is_a_link_still_stops_and_resume_removes_only_the_link(
    tmp_path: Path,
) -> None:
    out = outside(tmp_path)
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE})
    (repo / ".heal").mkdir()
    (repo / ".heal" / "stop").symlink_to(out / "target")
    run = heal(repo, "--scan", ".", "--fix")
    assert "heal is stopped" in run.out
    assert (repo / "app.py").read_text(encoding="utf-8") == FIXABLE
    assert heal(repo, "resume").code == 0
    assert not os.path.lexists(repo / ".heal" / "stop")
    outside_is_untouched(out)


def test_the_folder_api_refuses_links_at_every_level(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "sub").symlink_to(tmp_path / "real")
    with (
        pytest.raises(folder.StateError, match="symbolic link"),
        folder.opened(tmp_path / "state", "sub"),
    ):
        pass
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(folder.StateError, match="symbolic link"), folder.opened(tmp_path / "link"):
        pass


def test_a_report_only_scan_does_not_write_its_history_through_a_link(tmp_path: Path) -> None:
    out = outside(tmp_path)
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE}, commit=False)
    (repo / ".heal").mkdir()
    (repo / ".heal" / "history.sqlite").symlink_to(out / "target")
    run = heal(repo, "--scan", ".")
    assert run.code == 1, run.out + run.err  # the findings decide the exit code, not the history
    assert "run history not recorded" in run.err and "symbolic link" in run.err
    outside_is_untouched(out)
