"""A small seeded project for the repair tests: a package `calc` whose `add` subtracts (the
seeded bug), a real pytest suite where one test fails because of it, and model replies made as a
model would make them (diffs against the files it was shown)."""

from __future__ import annotations

from pathlib import Path

from healers.report.diff import unified
from tests.helpers import git, make_repo

BUGGY = '''"""Arithmetic."""


def add(a, b):
    return a - b


def sub(a, b):
    return a - b


def double(a):
    return add(a, a)
'''
FIXED = BUGGY.replace("def add(a, b):\n    return a - b", "def add(a, b):\n    return a + b")
TESTS = """from calc.ops import add, double, sub


def test_add():
    assert add(2, 3) == 5


def test_sub():
    assert sub(5, 3) == 2


def test_double_of_zero():
    assert double(0) == 0


def test_sub_negative():
    assert sub(0, 4) == -4
"""
FAILING = "tests/test_ops.py::test_add"


def reply(path: str, before: str, after: str, prose: str = "The bug is in add:") -> str:
    return f"{prose}\n\n```diff\n{unified(path, before, after)}```\n"


GOOD = reply("calc/ops.py", BUGGY, FIXED)
# add fixed, sub broken: test_add passes, test_sub and test_sub_negative that passed now fail
BREAKS = reply(
    "calc/ops.py",
    BUGGY,
    FIXED.replace("def sub(a, b):\n    return a - b", "def sub(a, b):\n    return a + b"),
)
# the test changed to expect the bug
EDITS_TEST = reply("tests/test_ops.py", TESTS, TESTS.replace("== 5", "== -1"))
WRONG = reply(
    "calc/ops.py", BUGGY, BUGGY.replace("return a - b\n\n\ndef sub", "return a * b\n\n\ndef sub")
)


def make(root: Path, url: str = "", healers: str = "", llm: str = "") -> Path:
    """The project as a committed git repository; [tool.healers.llm] points at `url` when given."""
    model = (
        f'\n[tool.healers.llm]\nbase-url = "{url}"\nmodel = "scripted-coder"\nretries = 0\n'
        f"timeout = 20\n{llm}"
        if url
        else ""
    )
    pyproject = f'[project]\nname = "calc"\nversion = "0"\n\n[tool.healers]\n{healers}\n{model}'
    files = {
        "pyproject.toml": pyproject,
        "calc/__init__.py": "",
        "calc/ops.py": BUGGY,
        "tests/test_ops.py": TESTS,
        ".gitignore": ".heal/\n__pycache__/\n.pytest_cache/\n",
    }
    repo = make_repo(root, files)
    git(repo, "config", "user.name", "Ada Reviewer")
    git(repo, "config", "user.email", "ada@example.invalid")
    return repo
