"""Issue 12 item 4, hold the line: in the hook (compared with HEAD) and with `--since REF`, only
findings on changed lines are fixed and counted; old ones stay (real git, real pre-commit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import commit_all, git, heal, heal_env, heal_process, make_repo

pytestmark = pytest.mark.slow  # git, pre-commit and the analyzers

OLD = (
    '"""An old module: an unused import and a HIGH-severity MD5 heal has never seen."""\n\n'
    "import hashlib\nimport os\n\nLIMIT = 1\n\n\n"
    "def digest(data: bytes) -> str:\n    return hashlib.md5(data).hexdigest()\n"
)


def test_hook_mode_compares_with_head_only_under_pre_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {"old.py": OLD})
    (repo / "old.py").write_text(OLD.replace("import os\n", "import os\nimport sys\n"))
    git(repo, "add", "old.py")
    under = heal_process(repo, "--output-format", "json", "old.py", env=heal_env(PRE_COMMIT="1"))
    codes = sorted((f["code"], f["line"]) for f in under.json()["findings"])
    assert codes == [("ruff:F401", 5)], under.out
    assert under.code == 1
    by_hand = heal_process(repo, "--output-format", "json", "old.py", env=heal_env(PRE_COMMIT=None))
    assert {"bandit:B324", "ruff:F401"} <= {f["code"] for f in by_hand.json()["findings"]}
    assert by_hand.code == 3  # the old HIGH finding still gates a run that is not the hook


def test_since_ref_holds_the_line_for_a_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {"old.py": OLD})
    (repo / "new.py").write_text("import json\n")
    (repo / "old.py").write_text(OLD.replace("import os\n", "import os\nimport sys\n"))
    commit_all(repo, "a branch's commit")
    done = heal(repo, "--scan", "--since", "HEAD~1", "--output-format", "json")
    found = sorted((f["path"], f["message"]) for f in done.json()["findings"])
    assert found == [
        ("new.py", "`json` imported but unused"),
        ("old.py", "`sys` imported but unused"),
    ], done.out
    assert done.code == 1
    text = heal(repo, "--scan", "--since", "HEAD~1")
    assert "hold the line:" in text.out
    assert heal(repo, "--scan").code == 3  # the whole scan still shows and gates the old HIGH


def test_since_an_unknown_ref_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {"a.py": "x = 1\n"})
    done = heal(repo, "--scan", "--since", "no-such-branch")
    assert done.code == 2
    assert "--since no-such-branch: not a commit of this repository" in done.err
