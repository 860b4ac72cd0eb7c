"""Issue 12 item 2: one analyzer's failure costs only that analyzer (real ruff, mypy, bandit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers import analyzers
from tests.helpers import heal, make_repo

BROKEN_MYPY = "[mypy]\nplugins = no_such_plugin_anywhere\n"
CODE = {"a.py": "import os\nimport subprocess\n\nx: int = 'a'\nsubprocess.call('ls', shell=True)\n"}


def test_ignore_names_the_analyzers_not_started() -> None:
    assert analyzers.enabled((), ("mypy",)) == {"ruff", "bandit", "heal"}
    assert analyzers.enabled((), ("type",)) == {"ruff", "bandit", "heal"}
    assert analyzers.enabled(("ruff", "mypy"), ()) == {"ruff", "mypy"}


@pytest.mark.slow
def test_a_failing_mypy_costs_only_mypy(tmp_path: Path) -> None:
    """mypy exits 2 (a plugin its config declares is missing): exit 2 with one
    heal:analyzer-failed finding naming mypy and its first error line; ruff's and bandit's
    findings are reported, and ruff's fixes applied under --fix."""
    repo = make_repo(tmp_path / "p", {"mypy.ini": BROKEN_MYPY, **CODE})
    done = heal(repo, "--scan", "--output-format", "json")
    assert done.code == 2
    codes = {f["code"] for f in done.json()["findings"]}
    assert {"ruff:F401", "bandit:B602", "heal:analyzer-failed"} <= codes
    failed = [f for f in done.json()["findings"] if f["code"] == "heal:analyzer-failed"]
    assert len(failed) == 1 and failed[0]["message"].startswith("mypy failed (")
    assert "no_such_plugin_anywhere" in failed[0]["message"]
    assert "mypy failed" in done.err
    fixed = heal(repo, "--scan", "--fix")
    assert fixed.code == 2
    assert "import os" not in (repo / "a.py").read_text()
    assert "no type fixes were tried" in fixed.out


@pytest.mark.slow
def test_files_mypy_refuses_are_left_out_and_named(tmp_path: Path) -> None:
    """bandit's examples/init-py-test (a folder with __init__.py that is no package name) and
    click's examples/*/setup.py (duplicate module names): mypy checks the rest."""
    repo = make_repo(
        tmp_path / "p",
        {
            "examples/init-py-test/__init__.py": "",
            "examples/init-py-test/m.py": "y = 1\n",
            "one/setup.py": "x = 1\n",
            "two/setup.py": "x = 2\n",
            "three/setup.py": "x = 3\n",
            "relative.py": "from . import sibling\n",  # bandit's examples/imports-from.py
            "typed.py": 'x: int = "a"\n',
        },
    )
    done = heal(repo, "--scan", "--output-format", "json")
    assert done.code == 1, done.err
    found = done.json()["findings"]
    skipped = sorted(f["path"] for f in found if f["code"] == "heal:not-type-checked")
    assert skipped == [
        "examples/init-py-test/__init__.py",
        "examples/init-py-test/m.py",
        "relative.py",
        "three/setup.py",
        "two/setup.py",
    ]
    assert [f["path"] for f in found if f["code"] == "mypy:assignment"] == ["typed.py"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "config"),
    [
        pytest.param(("--ignore", "mypy"), "", id="--ignore mypy"),
        pytest.param(("--ignore", "type"), "", id="--ignore type"),
        pytest.param((), '[tool.healers]\nanalyzers = ["ruff", "bandit", "heal"]\n', id="config"),
    ],
)
def test_mypy_turned_off_is_not_started(tmp_path: Path, args: tuple[str, ...], config: str) -> None:
    """A broken mypy setup would be exit 2: turned off, mypy never runs."""
    files = {"mypy.ini": BROKEN_MYPY, **CODE}
    if config:
        files["pyproject.toml"] = config
    repo = make_repo(tmp_path / "p", files)
    done = heal(repo, "--scan", "--output-format", "json", *args)
    assert done.code != 2, done.err
    codes = {f["code"] for f in done.json()["findings"]}
    assert "ruff:F401" in codes
    assert not any(c.startswith("mypy:") or c == "heal:analyzer-failed" for c in codes)


@pytest.mark.slow
def test_an_unknown_analyzer_is_a_configuration_error(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p", {"pyproject.toml": '[tool.healers]\nanalyzers = ["pylint"]\n', "a.py": ""}
    )
    done = heal(repo, "--scan")
    assert done.code == 2
    assert "unknown analyzer 'pylint'" in done.err


@pytest.mark.slow
def test_mypys_own_files_and_exclude_are_honoured(tmp_path: Path) -> None:
    bad = 'x: int = "a"\n'
    config = '[tool.mypy]\nfiles = ["src"]\nexclude = ["src/generated/"]\n'
    repo = make_repo(
        tmp_path / "p",
        {
            "pyproject.toml": config,
            "src/a.py": bad,
            "src/generated/b.py": bad,
            "scripts/c.py": bad,
        },
    )
    done = heal(repo, "--scan", "--output-format", "json")
    typed = [f["path"] for f in done.json()["findings"] if f["code"] == "mypy:assignment"]
    assert typed == ["src/a.py"], done.out
