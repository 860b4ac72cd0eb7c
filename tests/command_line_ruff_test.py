"""Issue 12 items 7 and 8: the numbers heal reports are true, and the command line a ruff user
expects (real ruff, mypy, bandit, git; heal through its CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import heal, heal_process, make_repo

pytestmark = pytest.mark.slow  # the analyzers and git

UNUSED = {"a.py": "import os\n\nX = 1\n", "b.py": "import sys\n"}


def test_a_selector_that_names_nothing_is_exit_2_with_the_closest_ids(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", UNUSED)
    done = heal(repo, "--scan", "--select", "unused-imprt")
    assert done.code == 2 and done.out == ""
    assert "unused-imprt: no rule, code or category of that name" in done.err
    assert "the closest: unused-import" in done.err
    assert heal(repo, "--scan", "--select", "unused-import").code == 1  # a ruff rule's name


def test_heal_rule_prints_a_rules_documentation(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", UNUSED)
    page = heal(repo, "rule", "weak-hash")
    assert page.code == 0 and "# weak-hash" in page.out and "## What it does" in page.out
    ruff_rule = heal(repo, "rule", "F401")
    assert ruff_rule.code == 0 and "# unused-import (ruff:F401)" in ruff_rule.out
    assert "Checks for unused imports." in ruff_rule.out  # ruff's own explanation
    assert heal(repo, "rule", "B602").out.startswith("# subprocess-shell-true")
    wrong = heal(repo, "rule", "no-such-thing")
    assert wrong.code == 2 and "no rule or code of that name" in wrong.err
    assert "\n  rule " in heal_process(repo, "--help").out  # listed with the other subcommands


def test_exit_zero_quiet_show_fixes_and_statistics_as_json(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", UNUSED)
    assert heal(repo, "--scan", "--exit-zero").code == 0
    quiet = heal(repo, "--scan", "-q")
    assert quiet.code == 1 and "ruff:F401" in quiet.out
    assert "note:" not in quiet.out and "finding(s) left" not in quiet.out
    stats = heal(repo, "--scan", "--statistics", "--output-format", "json")
    rows = json.loads(stats.out)
    assert rows[0] == {
        "code": "ruff:F401",
        "count": 2,
        "fixable": 2,
        "rule": "unused-import",
        "category": "import",
        "priority": "P2",
    }
    fixed = heal(repo, "--scan", "--fix", "--show-fixes")
    assert "a.py:1:8: ruff:F401 `os` imported but unused" in fixed.out
    assert "b.py:1:8: ruff:F401 `sys` imported but unused" in fixed.out


def test_a_coloured_diff(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", UNUSED)
    shown = heal(repo, "--scan", "--diff", "--color", "always")
    assert "\033[31m-import os\033[0m" in shown.out
    assert "\033[31m-import os" not in heal(repo, "--scan", "--diff").out


def test_config_on_every_subcommand(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", UNUSED)
    for command in ("pending", "stats", "log", "baseline"):
        done = heal(repo, command, "--config", "missing.toml")
        assert done.code == 2, (command, done.err)
        assert "missing.toml: no such configuration file" in done.err


def test_while_stopped_nothing_is_written_and_the_exit_is_a_report_onlys(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", UNUSED)
    assert heal(repo, "stop", "a", "release").code == 0
    stopped = heal(repo, "--scan", "--fix")
    assert stopped.code == heal(repo, "--scan").code == 1
    assert "nothing was written" in stopped.err
    assert (repo / "a.py").read_text() == UNUSED["a.py"]


ROLLED_BACK = "class Config:\n    def __init__(self):\n        self.aliases = {}\n"


def test_log_counts_the_files_a_run_changed(tmp_path: Path) -> None:
    """click's case: a fix mypy's check took back is not a file the run changed."""
    files = {"mypy.ini": "[mypy]\ndisallow_untyped_defs = True\n", "a.py": ROLLED_BACK}
    repo = make_repo(tmp_path / "p", {**files, "b.py": "import sys\n"})
    done = heal(repo, "--scan", "--fix")
    assert "a.py: rolled back" in done.out
    assert (repo / "a.py").read_text() == ROLLED_BACK
    log = heal(repo, "log")
    assert "1 file(s) (1 more written and put back), 1 fix(es)" in log.out, log.out


def test_stats_count_approvals_and_rejections(tmp_path: Path) -> None:
    shell = "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"
    repo = make_repo(tmp_path / "p", {"shell.py": shell})
    found = heal(repo, "--scan", "--output-format", "json").json()["findings"]
    [high] = [f for f in found if f["code"] == "bandit:B602"]
    assert heal(repo, "reject", high["fingerprint"], "--reason", "a test fixture").code == 0
    table = heal(repo, "stats").out
    [row] = [line for line in table.splitlines() if line.startswith("subprocess-shell-true")]
    assert row.split()[-3:-1] == ["0", "1"], table  # approved 0, rejected 1
