"""The type healer end to end: `heal --scan --fix` against the real mypy, what it leaves, and the
rollback of a fix that makes mypy report a new error."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from healers import tools
from healers.tools import mypy
from tests.helpers import findings_for, heal, make_repo

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

PYPROJECT = """\
[project]
name = "sample"
requires-python = ">=3.10"

[tool.mypy]
warn_unused_ignores = true
warn_redundant_casts = true
disallow_untyped_defs = true
"""
# One instance of each of the first eight rows of the type healer's table (issue 3).
EIGHT_ROWS = '''\
"""One instance of each fixable mypy finding."""

from typing import cast


def greet(name: str = None) -> str:
    return f"hello {name or 'world'}"


def first(items: List[int]) -> int:
    return items[0]


def apply(value: int, func: callable) -> object:
    return func(value)


def index(words: list[str]) -> dict[str, int]:
    seen = {}
    for word in words:
        seen.setdefault(word, len(seen))
    return seen


def double(x: int) -> int:
    return x * 2  # type: ignore


def shout(name: str) -> str:
    return cast(str, name.upper())


def report(count: int):
    print(f"{count} files")


def parse_port(text: str) -> int | None:
    if text.isdigit():
        return int(text)
'''
ROWS = {
    "mypy:assignment",
    "mypy:name-defined",
    "mypy:valid-type",
    "mypy:var-annotated",
    "mypy:unused-ignore",
    "mypy:redundant-cast",
    "mypy:no-untyped-def",
    "mypy:return",
}


def mypy_codes(root: Path) -> Counter[str]:
    args = mypy.command(["sample.py"], config="pyproject.toml", cache_dir=str(root / ".mypy-test"))
    out = tools.run_tool("mypy", args, cwd=root, ok=(0, 1))
    return Counter(f.code for f in mypy.read(out.stdout, str(root)))


def test_eight_rows_leave_at_most_a_fifth_and_no_new_code(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": PYPROJECT, "sample.py": EIGHT_ROWS})
    before = mypy_codes(repo)
    assert set(before) >= ROWS, before  # every row is really reported
    run = heal(repo, "--scan", ".", "--fix", "--output-format", "json")
    assert run.code in (0, 1), run.err
    assert run.json()["notes"] == []
    after = mypy_codes(repo)
    assert sum(after.values()) <= 0.2 * sum(before.values()), after
    assert set(after) <= set(before), f"new codes: {set(after) - set(before)}"
    compile((repo / "sample.py").read_text(encoding="utf-8"), "sample.py", "exec")


def test_a_fix_that_adds_a_mypy_error_is_rolled_back(tmp_path: Path) -> None:
    # `str | None` is right, but then `len(text)` is an arg-type error mypy did not report before
    source = "def size(text: str = None) -> int:\n    return len(text)\n"
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": PYPROJECT, "sample.py": source})
    run = heal(repo, "--scan", ".", "--fix", "--output-format", "json")
    assert (repo / "sample.py").read_text(encoding="utf-8") == source
    report = run.json()
    assert any("rolled back" in note and "mypy:arg-type" in note for note in report["notes"])
    [finding] = [f for f in findings_for(report, "sample.py") if f["code"] == "mypy:assignment"]
    assert finding["status"] == "unfixable"
    assert "rolled back" in finding["fix"] and "arg-type" in finding["fix"]
    assert mypy_codes(repo) == Counter({"mypy:assignment": 1})


def test_an_untyped_import_names_the_stub_package(tmp_path: Path) -> None:
    # pygments comes with bandit and ships no types (not yaml: the test extra installs its stubs)
    source = "import pygments\n\n\ndef version() -> object:\n    return pygments.__version__\n"
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": PYPROJECT, "sample.py": source})
    run = heal(repo, "--scan", ".", "--fix", "--output-format", "json")
    [finding] = [
        f for f in findings_for(run.json(), "sample.py") if f["rule"] == "missing-library-stubs"
    ]
    assert finding["status"] == "unfixable"
    assert "pip install types-Pygments" in finding["fix"]
    assert (repo / "sample.py").read_text(encoding="utf-8") == source
