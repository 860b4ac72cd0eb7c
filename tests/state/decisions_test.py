"""Issue 11, items 6 and 7, through the real CLI: a decision covers exactly one occurrence (its
identical twin is asked separately, in approvals and in the baseline), files written by heal
before the change keep working, and the flagged code is hashed on the tokenizer's lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO, heal, make_repo

pytestmark = pytest.mark.slow  # heal end to end

LEGACY = REPO / "tests" / "data" / "legacy"
TWINS = (LEGACY / "app.py.txt").read_text(encoding="utf-8")  # twins in digest(), one in other()


def pending(repo: Path) -> dict[int, str]:
    run = heal(repo, "pending", "--output-format", "json")
    assert run.code in (0, 3), run.err
    return {row["line"]: row["fingerprint"] for row in run.json()["pending"]}


def statuses(repo: Path) -> dict[int, str]:
    run = heal(repo, "--scan", ".", "--output-format", "json")
    assert run.code != 2, run.err
    return {f["line"]: f["status"] for f in run.json()["findings"] if f["code"] == "bandit:B324"}


def test_approving_one_twin_fixes_that_one_and_asks_about_the_other(tmp_path: Path) -> None:
    """The old fingerprints gave the second twin the first one's fingerprint once it was fixed,
    so one `heal approve` fixed both while the diff and the audit showed one fix."""
    repo = make_repo(tmp_path / "repo", {"app.py": TWINS})
    waiting = pending(repo)
    assert sorted(waiting) == [7, 8, 13]
    run = heal(repo, "approve", waiting[7])
    assert run.code == 0, run.out + run.err
    assert run.out.startswith(f"{waiting[7]}  bandit:B324 app.py:7: applied\n")
    lines = (repo / "app.py").read_text(encoding="utf-8").splitlines()
    assert "usedforsecurity=False" in lines[6]
    assert "usedforsecurity=False" not in lines[7]  # the twin was not fixed
    log = heal(repo, "log")
    assert "1 fix(es)" in log.out
    assert statuses(repo) == {8: "blocked", 13: "blocked"}


def test_rejecting_one_twin_does_not_accept_the_other_when_the_first_goes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": TWINS})
    waiting = pending(repo)
    assert heal(repo, "reject", waiting[7], "--reason", "a checksum").code == 0
    assert statuses(repo) == {7: "accepted-risk", 8: "blocked", 13: "blocked"}
    text = (repo / "app.py").read_text(encoding="utf-8")
    first = "    first = hashlib.md5(data).hexdigest()\n"
    (repo / "app.py").write_text(text.replace(first, "", 1), encoding="utf-8")
    assert statuses(repo) == {7: "blocked", 12: "blocked"}  # the rejected one went


def test_a_baselined_line_lends_its_entry_to_no_new_twin(tmp_path: Path) -> None:
    """Baseline one MD5; add an identical line above it: the old index gave the new line the
    baselined fingerprint (hidden) and reported the old one instead."""
    single = TWINS.replace("    first = hashlib.md5(data).hexdigest()\n", "", 1)
    repo = make_repo(tmp_path / "repo", {"app.py": single})
    assert heal(repo, "baseline").code == 0
    assert set(statuses(repo).values()) == {"baseline"}
    twin = "    first = hashlib.md5(data).hexdigest()\n"
    text = (repo / "app.py").read_text(encoding="utf-8")
    (repo / "app.py").write_text(text.replace(twin, twin + twin), encoding="utf-8")
    found = statuses(repo)
    assert found[7] == found[8] == "blocked"  # neither twin hides behind the entry
    assert found[13] == "baseline"


def test_files_written_by_the_old_heal_keep_working(tmp_path: Path) -> None:
    """tests/data/legacy: a baseline and two rejections written before the change. The single
    finding keeps its fingerprint, so its entries hold; the twins' fingerprints changed, so an
    entry written for one of them holds for neither: each is asked again (fails closed)."""
    repo = make_repo(tmp_path / "repo", {"app.py": TWINS})
    state = repo / ".heal"
    state.mkdir()
    shutil.copy(LEGACY / "approvals.toml", state / "approvals.toml")
    assert statuses(repo) == {7: "blocked", 8: "blocked", 13: "accepted-risk"}
    (state / "approvals.toml").unlink()
    shutil.copy(LEGACY / "baseline.json", state / "baseline.json")
    assert statuses(repo) == {7: "blocked", 8: "blocked", 13: "baseline"}


def test_a_rejection_below_a_form_feed_is_void_when_the_call_gets_worse(tmp_path: Path) -> None:
    """str.splitlines() also ends a line at a form feed: the old code hash covered the line
    above the rejected call, and the rejection held after the call was made worse."""
    source = (
        '"""Runs a command."""\n\nimport subprocess\n\x0c\n\n'
        "def run(cmd: str) -> None:\n    subprocess.run(cmd, shell=True)\n"
    )
    repo = make_repo(tmp_path / "repo", {"app.py": source})
    run = heal(repo, "pending", "--output-format", "json")
    [row] = [r for r in run.json()["pending"] if r["code"] == "bandit:B602"]
    assert heal(repo, "reject", row["fingerprint"], "--reason", "cmd is ours").code == 0
    worse = source.replace("subprocess.run(cmd,", 'subprocess.run("rm -rf / " + cmd,')
    (repo / "app.py").write_text(worse, encoding="utf-8")
    after = heal(repo, "--scan", ".", "--output-format", "json")
    [finding] = [f for f in after.json()["findings"] if f["code"] == "bandit:B602"]
    assert finding["status"] == "blocked", finding
