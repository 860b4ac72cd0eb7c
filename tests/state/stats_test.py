"""Learned trust: .heal/stats.sqlite, demotion, `heal stats`."""

from __future__ import annotations

import sys

import pytest

from healers.state import stats
from tests.helpers import heal, make_repo


@pytest.mark.parametrize(
    ("applied", "rolled_back", "demoted"),
    [
        pytest.param(5, 1, False, id="20% of 5 is not more than 20%"),
        pytest.param(5, 2, True, id="40% of 5"),
        pytest.param(4, 4, False, id="fewer than 5 fixes"),
        pytest.param(100, 21, True, id="21% of 100"),
        pytest.param(0, 0, False, id="never applied"),
    ],
)
def test_default_policy(applied, rolled_back, demoted):
    counts = stats.Counts("r", applied=applied, rolled_back=rolled_back)
    assert stats.Policy().demotes(counts) is demoted


def test_counts_add_up_across_runs(tmp_path):
    stats.add(tmp_path, {"a": {"applied": 2, "verified": 2}, "b": {"applied": 1}})
    stats.add(tmp_path, {"a": {"applied": 3, "rolled_back": 2}, "c": {}})
    assert stats.load(tmp_path) == {
        "a": stats.Counts("a", applied=5, verified=2, rolled_back=2),
        "b": stats.Counts("b", applied=1),
    }
    assert list(stats.demoted(tmp_path, stats.Policy())) == ["a"]
    assert "2 of 5 fixes" in stats.demoted(tmp_path, stats.Policy())["a"]
    assert stats.demoted(tmp_path, stats.Policy(min_fixes=6)) == {}


def test_no_database_means_no_counts_and_none_is_created(tmp_path):
    assert stats.load(tmp_path) == {}
    assert not (tmp_path / stats.STATS).exists()


def test_a_corrupt_database_is_an_error_naming_it(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n"})
    (repo / ".heal").mkdir()
    (repo / ".heal" / stats.STATS).write_bytes(b"not a database" * 100)
    for args in (("stats",), ("--scan", "--fix")):
        run = heal(repo, *args)
        assert run.code == 2
        assert "stats.sqlite" in run.err


def test_stats_command_text_and_json(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": "X = 1\n"})
    assert "No fixes recorded yet" in heal(repo, "stats").out
    stats.add(repo / ".heal", {"unused-import": {"applied": 6, "verified": 4, "rolled_back": 2}})
    text = heal(repo, "stats").out
    assert "unused-import" in text and "demoted: needs approval" in text
    payload = heal(repo, "stats", "--output-format", "json").json()
    assert payload["policy"] == {"min_fixes": 5, "rollback_rate": 0.2}
    [rule] = payload["rules"]
    assert rule == {
        "rule": "unused-import",
        "applied": 6,
        "verified": 4,
        "rolled_back": 2,
        "approved": 0,
        "rejected": 0,
        "rollback_rate": 0.3333,
        "demoted": True,
    }


@pytest.mark.slow
def test_a_demoted_rule_needs_approval_and_is_not_applied(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n\nX = 1\n"})
    stats.add(repo / ".heal", {"unused-import": {"applied": 5, "rolled_back": 2}})
    run = heal(repo, "--scan", "--fix", "--output-format", "json")
    assert run.code == 1  # a proposal in `heal pending`: an ordinary finding, not a block
    [finding] = run.json()["findings"]
    assert finding["status"] == "needs-approval"
    assert "demoted to approval-required: 2 of 5" in finding["fix"]
    assert (repo / "a.py").read_text() == "import os\n\nX = 1\n"


@pytest.mark.slow
def test_demotion_threshold_is_configurable(tmp_path):
    config = "[tool.healers]\ndemote-min-fixes = 10\ndemote-rollback-rate = 0.5\n"
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": config, "a.py": "import os\n\nX = 1\n"})
    stats.add(repo / ".heal", {"unused-import": {"applied": 5, "rolled_back": 2}})
    assert heal(repo, "--scan", "--fix").code == 0
    assert (repo / "a.py").read_text() == "\nX = 1\n"
    assert "trust" in heal(repo, "stats").out and "demoted" not in heal(repo, "stats").out


@pytest.mark.slow
def test_the_run_that_crosses_the_threshold_says_so(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n", "b.py": "import sys\n"})
    stats.add(repo / ".heal", {"unused-import": {"applied": 4, "rolled_back": 1}})
    script = tmp_path / "check.py"
    script.write_text(
        f"import pathlib, sys\nsys.exit('import os' not in pathlib.Path({str(repo / 'a.py')!r})"
        ".read_text())\n"
    )
    run = heal(repo, "--scan", "--fix", "--verify-cmd", f"{sys.executable} {script}")
    assert run.code == 1, run.err
    assert "rule unused-import is now demoted to approval-required: 2 of 6" in run.out
    assert heal(repo, "--scan", "--fix").code == 1  # the demoted rule's fix waits as a proposal
