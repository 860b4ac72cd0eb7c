"""mypy in hook mode sees what the scan sees: the staged files import the project's own modules
through the same roots (a src layout's `src/`), so a finding never depends on what is staged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from healers.tools import mypy
from tests.helpers import heal, make_repo

FILES = {
    "pyproject.toml": "[project]\nname = 'pkg'\nrequires-python = '>=3.9'\n",
    "src/pkg/__init__.py": "",
    "src/pkg/core.py": "def answer() -> int:\n    return 42\n",
    "tests/test_core.py": "from pkg.core import answer\n\nx: str = answer()\n",
}


def test_the_roots_are_the_first_folders_without_an_init(tmp_path: Path) -> None:
    make_repo(tmp_path, FILES)
    files = ["src/pkg/core.py", "src/pkg/__init__.py", "tests/test_core.py", "setup.py"]
    assert mypy.bases(tmp_path, files) == [".", "src", "tests"]


def _mypy_codes(out: str) -> list[tuple[str, str]]:
    found = json.loads(out)["findings"]
    return sorted((f["code"], f["path"]) for f in found if f["code"].startswith("mypy:"))


@pytest.mark.slow
def test_hook_mode_finds_the_project_s_own_package_as_the_scan_does(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    hook = heal(repo, "tests/test_core.py", "--output-format", "json")
    scan = heal(repo, "--scan", ".", "--output-format", "json")
    assert _mypy_codes(hook.out) == [("mypy:assignment", "tests/test_core.py")], hook.out
    assert _mypy_codes(scan.out) == _mypy_codes(hook.out)
