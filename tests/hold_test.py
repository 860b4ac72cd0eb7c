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


def test_the_hook_reads_what_is_staged_not_the_working_tree(tmp_path: Path) -> None:
    """A direct hook-mode call with part of a file staged (pre-commit would have stashed the
    rest, heal called by hand has not): only the lines the index changes count, where they are
    in the working tree, and an unstaged new finding does not."""
    repo = make_repo(tmp_path / "p", {"old.py": OLD})
    staged = OLD.replace("import os\n", "import os\nimport sys\n")  # F401 on line 5
    (repo / "old.py").write_text(staged)
    git(repo, "add", "old.py")
    # not staged: a docstring of two lines above it (the staged line is line 6 here) and a new
    # finding at the end (an f-string without placeholders)
    two = staged.replace(" heal has never seen.", "\nheal has never seen.") + 'NAME = f"old"\n'
    (repo / "old.py").write_text(two)
    under = heal_process(repo, "--output-format", "json", "old.py", env=heal_env(PRE_COMMIT="1"))
    found = [(f["code"], f["line"], f["message"]) for f in under.json()["findings"]]
    assert found == [("ruff:F401", 6, "`sys` imported but unused")], under.out
    assert under.code == 1
    text = heal_process(repo, "old.py", env=heal_env(PRE_COMMIT="1"))
    assert "on lines the staged changes do not touch are not reported" in text.out
    since = heal(repo, "--since", "HEAD", "--output-format", "json", "old.py")  # the working tree
    assert {f["code"] for f in since.json()["findings"]} == {"ruff:F401", "ruff:F541"}


def test_files_pre_commit_passes_that_the_commit_does_not_change_are_checked_whole(
    tmp_path: Path,
) -> None:
    """`pre-commit run --all-files` (or `--files`) passes files nothing staged changes: hold the
    line is off and says so; a commit's own files (each staged) are still held."""
    repo = make_repo(tmp_path / "p", {"old.py": OLD, "other.py": "import os\n"})
    env = heal_env(PRE_COMMIT="1")
    whole = heal_process(repo, "--output-format", "json", "old.py", "other.py", env=env)
    assert {"bandit:B324", "ruff:F401"} <= {f["code"] for f in whole.json()["findings"]}
    assert whole.code == 3  # the old HIGH finding: --all-files checks everything
    assert "hold the line is off: pre-commit passed files this commit does not change" in whole.err
    (repo / "old.py").write_text(OLD.replace("LIMIT = 1", "LIMIT = 2"))
    git(repo, "add", "old.py")
    held = heal_process(repo, "--output-format", "json", "old.py", env=env)
    assert held.json()["findings"] == [] and held.code == 0, held.out
    mixed = heal_process(repo, "--output-format", "json", "old.py", "other.py", env=env)
    assert {f["path"] for f in mixed.json()["findings"]} == {"old.py", "other.py"}


def test_a_push_is_held_against_the_ref_pre_commit_names(tmp_path: Path) -> None:
    """pre-push (or `pre-commit run --from-ref A --to-ref B`): the files changed since the
    from-ref, which nothing stages, are held against it, not checked whole."""
    repo = make_repo(tmp_path / "p", {"old.py": OLD})
    (repo / "old.py").write_text(OLD.replace("import os\n", "import os\nimport sys\n"))
    commit_all(repo, "the commit pushed")
    env = heal_env(PRE_COMMIT="1", PRE_COMMIT_FROM_REF=git(repo, "rev-parse", "HEAD~1").strip())
    pushed = heal_process(repo, "--output-format", "json", "old.py", env=env)
    found = [(f["code"], f["line"]) for f in pushed.json()["findings"]]
    assert found == [("ruff:F401", 5)], pushed.out
    assert "hold the line is off" not in pushed.err
