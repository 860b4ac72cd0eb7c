"""Item 1 of issue 12: the oldest Python a project declares, from every standard place, and
fixed code that imports under that Python (the oldest one installed that the project declares)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from healers import target
from tests.helpers import copy_sample, heal, make_repo

PYENV = Path.home() / ".pyenv" / "versions"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"pyproject.toml": '[project]\nrequires-python = ">=3.9"\n'}, (3, 9), id="pep621"
        ),
        pytest.param(
            {"setup.cfg": "[options]\npython_requires = >= 3.7\n"}, (3, 7), id="setup.cfg options"
        ),
        pytest.param(
            {"setup.py": "from setuptools import setup\nsetup(python_requires='>=3.8')\n"},
            (3, 8),
            id="setup.py literal",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.ruff]\ntarget-version = "py311"\n'}, (3, 11), id="ruff"
        ),
        pytest.param({"ruff.toml": 'target-version = "py39"\n'}, (3, 9), id="ruff.toml"),
        pytest.param(
            {"pyproject.toml": '[tool.mypy]\npython_version = "3.8"\n'}, (3, 8), id="mypy toml"
        ),
        pytest.param({"mypy.ini": "[mypy]\npython_version = 3.9\n"}, (3, 9), id="mypy.ini"),
        pytest.param(
            {
                "setup.cfg": "[metadata]\nclassifiers =\n"
                "    Programming Language :: Python :: 3.12\n"
                "    Programming Language :: Python :: 3.8\n"
            },
            (3, 8),
            id="classifiers",
        ),
        pytest.param(
            {
                "pyproject.toml": '[project]\nrequires-python = ">=3.10"\n',
                "setup.cfg": "[options]\npython_requires = >=3.7\n[mypy]\npython_version = 3.7\n",
            },
            (3, 7),
            id="oldest of two places wins",
        ),
        pytest.param({"setup.cfg": "[options]\npython_requires = >3.8\n"}, (3, 9), id="greater"),
        pytest.param(
            {"setup.cfg": "[options]\npython_requires = >=2.7, !=3.0.*\n"}, (3, 7), id="py2 clamped"
        ),
        pytest.param({"pyproject.toml": "[project]\nname = 'x'\n"}, None, id="none declared"),
    ],
)
def test_the_target_is_the_oldest_python_declared(
    tmp_path: Path, files: dict[str, str], expected: tuple[int, int] | None
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert target.declared(tmp_path).version == expected


def oldest_installed(declared: tuple[int, int]) -> Path | None:
    """The oldest pyenv Python at or above `declared` (3.x only), or None."""
    found = []
    for folder in PYENV.glob("3.*") if PYENV.is_dir() else ():
        parts = folder.name.split(".")
        minor = (int(parts[0]), int(parts[1]))
        if minor >= declared and (folder / "bin" / "python").is_file():
            found.append((minor, folder / "bin" / "python"))
    return min(found)[1] if found else None


OLD_CODE = '''import hashlib
from typing import Dict, List, Optional, Union


def lookup(table: Dict[str, int], key: Optional[str] = None) -> Union[int, None]:
    """A function whose annotations are evaluated when the module is imported."""
    if key is None:
        return None
    return table.get(key)


def names(items: List[str], default: str = None) -> List[str]:
    return [default if i == "" else i for i in items]


def etag(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()
'''


def _imports(python: Path, folder: Path, module: str, prelude: str = "") -> None:
    done = subprocess.run(
        [str(python), "-c", f"{prelude}import {module}"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_fixed_code_imports_under_the_oldest_python_setup_cfg_declares(tmp_path: Path) -> None:
    """click's case: python_requires in setup.cfg only. After --fix --unsafe-fixes nothing of
    Python 3.10 (`X | None` in evaluated annotations) or 3.9 (`usedforsecurity=`) is written,
    and the module imports under the oldest installed Python the project admits."""
    python = oldest_installed((3, 7))
    if python is None:
        pytest.skip("no Python 3.7 or newer under ~/.pyenv/versions")
    repo = make_repo(
        tmp_path / "p",
        {"setup.cfg": "[options]\npython_requires = >= 3.7\n", "old.py": OLD_CODE},
    )
    done = heal(repo, "--scan", "--fix", "--unsafe-fixes", "--select", "ruff:UP,type,security")
    assert done.code in (0, 1, 3), done.err
    text = (repo / "old.py").read_text()
    assert " | None" not in text and "usedforsecurity" not in text
    _imports(python, repo, "old")


@pytest.mark.slow
def test_the_fixed_sample_imports_under_its_oldest_declared_python(tmp_path: Path) -> None:
    """The sample declares >=3.10: its fixed tree imports under the oldest installed 3.10+
    (its third-party imports stubbed: only heal's rewrites are under test)."""
    python = oldest_installed((3, 10))
    if python is None:
        pytest.skip("no Python 3.10 or newer under ~/.pyenv/versions")
    repo = copy_sample(tmp_path / "sample")
    heal(repo, "--scan", "--fix")
    stubs = (
        "import sys, types\nfor n in ('yaml', 'requests'): sys.modules[n] = types.ModuleType(n)\n"
    )
    for module in sorted(p.stem for p in (repo / "src" / "app").glob("*.py")):
        _imports(python, repo / "src", f"app.{module}" if module != "__init__" else "app", stubs)


@pytest.mark.slow
def test_no_declared_python_is_said_in_the_report(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {"a.py": "x = 1\n"})
    done = heal(repo, "--scan")
    assert "declares no Python version" in done.out


@pytest.mark.slow
def test_a_python_older_than_mypy_supports_runs_mypy_at_its_oldest(tmp_path: Path) -> None:
    """click's setup.cfg has `[mypy] python_version = 3.7`, which mypy 1.x+ refuses (exit 2):
    mypy runs as its oldest supported version, finds the type error, and the report says so."""
    repo = make_repo(
        tmp_path / "p",
        {
            "setup.cfg": "[options]\npython_requires = >=3.7\n[mypy]\npython_version = 3.7\n",
            "a.py": 'x: int = "a"\n',
        },
    )
    done = heal(repo, "--scan", "--output-format", "json")
    assert done.code == 1, done.err
    codes = [f["code"] for f in done.json()["findings"]]
    assert "mypy:assignment" in codes and "heal:analyzer-failed" not in codes
    assert "so mypy checked as Python 3." in done.err
