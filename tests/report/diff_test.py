"""The one diff maker: git's format, so `git apply` of `heal --diff` makes exactly what `--fix`
writes, a last line without a newline included (it used to print `-x = 1+x = 1`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from healers.report.diff import NO_NEWLINE, unified
from tests.helpers import heal, make_repo


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("x = 1", "x = 2", id="no newline on either side"),
        pytest.param("x = 1", "x = 1\n", id="a newline added"),
        pytest.param("x = 1\n", "x = 1", id="the newline removed"),
        pytest.param("a\r\nb", "a\r\nc\r\n", id="CRLF"),
        pytest.param("a\fb\n", "a\fc\n", id="a form feed is part of its line, as for git"),
    ],
)
def test_git_apply_of_the_diff_makes_the_change(tmp_path: Path, before: str, after: str) -> None:
    repo = make_repo(tmp_path / "r", {"x.py": before.encode()})
    patch = unified("x.py", before, after)
    rows = patch.split("\n")[:-1]  # str.splitlines() would also split at the form feed
    assert all(row.startswith(("---", "+++", "@@", "-", "+", " ", "\\")) for row in rows), patch
    subprocess.run(["git", "apply", "-"], cwd=repo, input=patch.encode(), check=True)
    assert (repo / "x.py").read_bytes() == after.encode()


def test_no_change_is_no_diff() -> None:
    assert unified("x.py", "x = 1", "x = 1") == ""


@pytest.mark.slow
def test_heal_diff_of_a_file_without_a_trailing_newline_is_what_fix_writes(tmp_path: Path) -> None:
    source = "import os\nx = 1 "  # F401, W291 and W292 (no newline at the end)
    shown = make_repo(tmp_path / "shown", {"a.py": source})
    diff = heal(shown, "a.py", "--diff")
    assert diff.code == 1, diff.err
    assert NO_NEWLINE in diff.out, diff.out
    assert "-x = 1 \n" + NO_NEWLINE in diff.out, diff.out
    fixed = make_repo(tmp_path / "fixed", {"a.py": source})
    heal(fixed, "a.py", "--fix")
    subprocess.run(["git", "apply", "-"], cwd=shown, input=diff.out.encode(), check=True)
    assert (shown / "a.py").read_bytes() == (fixed / "a.py").read_bytes() != source.encode()
