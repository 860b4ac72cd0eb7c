"""mypy checks against the project's own interpreter (`--python-executable`): found from
[tool.healers] python, VIRTUAL_ENV or an untracked .venv/venv; never a tracked one, never under
--untrusted. And a file above max-file-size is one finding, analyzed by nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from healers import interpreter
from tests.helpers import commit_all, git, heal, make_repo

PYPROJECT = "[project]\nname = 'p'\nrequires-python = '>=3.9'\n"
USES = "import onlyhere\n\nx: int = onlyhere.VALUE\n"


def _venv(root: Path) -> Path:
    """A real virtual environment (no pip) holding a typed package `onlyhere` heal's own
    environment does not have."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = next(root.glob("lib/python*/site-packages"))
    (site / "onlyhere").mkdir()
    (site / "onlyhere/__init__.py").write_text("VALUE: str = 'a string'\n")
    (site / "onlyhere/py.typed").write_text("")
    return root / "bin/python"


def _fake_env(root: Path) -> Path:
    (root / "bin").mkdir(parents=True)
    (root / "bin/python").write_text("")
    return root / "bin/python"


def test_nothing_found_without_an_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    assert interpreter.find(tmp_path) == (None, "")


def test_an_untracked_dot_venv_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    make_repo(tmp_path, {"a.py": ""})
    python = _fake_env(tmp_path / ".venv")
    assert interpreter.find(tmp_path) == (python, "")


def test_the_active_environment_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    active = _fake_env(tmp_path / "elsewhere")
    _fake_env(tmp_path / "project/.venv")
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "elsewhere"))
    assert interpreter.find(tmp_path / "project") == (active, "")


def test_heal_s_own_environment_is_not_passed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
    assert interpreter.find(tmp_path) == (None, "")


def test_a_tracked_environment_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    make_repo(tmp_path, {"a.py": ""})
    _fake_env(tmp_path / "venv")
    commit_all(tmp_path, "a committed 'interpreter'")
    python, why = interpreter.find(tmp_path)
    assert python is None and "git tracks" in why


def test_the_configured_interpreter_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_env(tmp_path / ".venv")
    chosen = _fake_env(tmp_path / "envs/py39")
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / ".venv"))
    assert interpreter.find(tmp_path, "envs/py39/bin/python") == (chosen, "")
    assert "is not a file" in interpreter.find(tmp_path, "nope/python")[1]


def _codes(out: str) -> set[str]:
    return {f["code"] for f in json.loads(out)["findings"] if f["path"] == "m.py"}


@pytest.mark.slow
def test_mypy_finds_a_package_installed_only_in_the_project_venv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    repo = make_repo(tmp_path / "r", {"pyproject.toml": PYPROJECT, "m.py": USES})
    (repo / ".gitignore").write_text(".venv/\n")
    git(repo, "add", ".gitignore")
    python = _venv(repo / ".venv")
    done = heal(repo, "--scan", ".", "--output-format", "json")
    assert "mypy:assignment" in _codes(done.out), done.out  # str into int: the package was read
    assert "mypy:import-not-found" not in _codes(done.out)
    assert f"project's interpreter {python.absolute()}" in done.out
    untrusted = heal(repo, "--scan", ".", "--output-format", "json", "--untrusted")
    assert "mypy:import-not-found" in _codes(untrusted.out)  # never run under --untrusted


@pytest.mark.slow
def test_a_file_above_max_file_size_is_one_finding(tmp_path: Path) -> None:
    config = PYPROJECT + "\n[tool.healers]\nmax-file-size = 100\n"
    big = "import os\n" + "".join(f"x{i} = {i}\n" for i in range(40))
    repo = make_repo(tmp_path / "r", {"pyproject.toml": config, "big.py": big, "ok.py": "x = 1\n"})
    done = heal(repo, "--scan", ".", "--output-format", "json")
    found = [(f["code"], f["path"]) for f in json.loads(done.out)["findings"]]
    assert found == [("heal:file-too-large", "big.py")], done.out
    assert "max-file-size" in json.loads(done.out)["findings"][0]["message"]
