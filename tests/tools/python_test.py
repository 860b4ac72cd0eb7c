"""Issue 11, item 1: heal starts Python so that neither the working directory nor the project is
importable by accident, on every Python heal supports; paths reach the tools after `--`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet

from healers.tools import bandit, mypy, python, ruff
from tests.helpers import heal, heal_env, make_repo

PYENV = Path.home() / ".pyenv" / "versions"
HEAL = str(Path(sys.executable).parent / "heal")


def interpreters() -> list[ParameterSet]:
    """This interpreter, and every CPython >= 3.10 under ~/.pyenv (3.10 has no -P)."""
    found = {sys.executable: f"{sys.version_info[0]}.{sys.version_info[1]} (running)"}
    for folder in sorted(PYENV.glob("3.*")) if PYENV.is_dir() else ():
        minor = int(folder.name.split(".")[1])
        exe = folder / "bin" / "python3"
        if minor >= 10 and exe.is_file():
            found.setdefault(str(exe), folder.name)
    return [pytest.param(exe, id=name) for exe, name in found.items()]


def marker_module(name: str, markers: Path) -> str:
    return f"open({str(markers / name)!r}, 'w').close()\nprint('[]')\n"


@pytest.mark.parametrize("exe", interpreters())
def test_the_runner_keeps_the_working_directory_off_sys_path(tmp_path: Path, exe: str) -> None:
    """A `json.py`, `runpy.py` and `sitecustomize.py` in the working directory: none runs, and
    `python -m json.tool` through the runner is the standard library's."""
    markers = tmp_path / "markers"
    markers.mkdir()
    cwd = tmp_path / "repo"
    cwd.mkdir()
    for name in ("json", "runpy", "sitecustomize", "usercustomize", "os", "site"):
        (cwd / f"{name}.py").write_text(marker_module(name, markers), encoding="utf-8")
    argv = python.argv("json.tool")
    argv[0] = exe
    done = subprocess.run(
        argv, cwd=cwd, input='{"a": 1}', capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["{", '"a":', "1", "}"]
    assert sorted(p.name for p in markers.iterdir()) == []


def test_pythonpath_entries_naming_the_working_directory_are_dropped(tmp_path: Path) -> None:
    """PYTHONPATH=":." names the current directory twice; neither is used."""
    markers = tmp_path / "markers"
    markers.mkdir()
    cwd = tmp_path / "repo"
    cwd.mkdir()
    (cwd / "json.py").write_text(marker_module("json", markers), encoding="utf-8")
    done = subprocess.run(
        python.argv("json.tool"),
        cwd=cwd,
        input="[]",
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": ":.", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert list(markers.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(lambda p: ruff.command(p, config=None), id="ruff"),
        pytest.param(lambda p: mypy.command(p, config=None, cache_dir="c"), id="mypy"),
        pytest.param(lambda p: bandit.command(p, config=None), id="bandit"),
    ],
)
def test_every_tool_gets_paths_after_a_double_dash_never_as_options(command) -> None:
    paths = ["-ovictim.py", "@args.py", "--verify-cmd=touch PWNED #.py", "src/a.py", "/abs/b.py"]
    argv = command(paths)
    operands = argv[argv.index("--") + 1 :]
    assert operands == [
        "./-ovictim.py",
        "./@args.py",
        "./--verify-cmd=touch PWNED #.py",
        "./src/a.py",
        "/abs/b.py",
    ]


SHADOWS = {
    "ruff.py": "ruff",
    "mypy.py": "mypy",
    "bandit/__init__.py": "bandit",
    "bandit/__main__.py": "bandit-main",
    "healers/__init__.py": "healers",
    "healers/tools/__init__.py": "healers-tools",
    "healers/tools/worker.py": "worker",
    "libcst/__init__.py": "libcst",
    "runpy.py": "runpy",
}
FINDINGS = (
    '"""One finding for each analyzer."""\n\nimport hashlib\nimport os\n\n'
    'COUNT: int = "one"\nDIGEST = hashlib.md5(b"x").hexdigest()\n'
)


@pytest.mark.slow
@pytest.mark.parametrize("where", ["root", "subfolder"])
def test_a_report_only_scan_runs_no_repository_module_named_like_a_tool(
    tmp_path: Path, where: str
) -> None:
    """A repository's `ruff.py` printing `[]`, its `bandit/`, `mypy.py`, `healers/tools/worker.py`
    and `libcst/` must not run (the old `python -m` from the project root ran them and took the
    `[]` for a clean result); the real analyzers find what they find."""
    markers = tmp_path / "markers"
    markers.mkdir()
    files = {name: marker_module(tag, markers) for name, tag in SHADOWS.items()}
    repo = make_repo(tmp_path / "repo", {**files, "app.py": FINDINGS})
    cwd = repo if where == "root" else repo / "healers" / "tools"
    # the console script, as users run heal (`python -m healers` from there would be the
    # caller putting the repository's healers/ first, before heal starts)
    run = subprocess.run(
        [HEAL, "--scan", str(repo), "--output-format", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=heal_env(),
        timeout=300,
    )
    assert sorted(p.name for p in markers.iterdir()) == []
    assert run.returncode == 3, run.stderr  # the MD5 is HIGH severity: blocked on a human
    payload = json.loads(run.stdout)
    found = {f["code"] for f in payload["findings"] if f["path"] == "app.py"}
    assert {"ruff:F401", "mypy:assignment", "bandit:B324"} <= found, found


HIGH = (
    '"""A HIGH finding bandit must see."""\n\nimport hashlib\n\n'
    'DIGEST = hashlib.md5(b"x").hexdigest()\n'
)


@pytest.mark.slow
def test_file_names_shaped_like_bandit_options_stay_file_names(tmp_path: Path) -> None:
    """Issue 11, item 3, through the CLI: on a report-only scan a root file `-ovictim.py` made
    bandit write its JSON over victim.py, `-xapp.py` made it skip app.py (its HIGH finding gone,
    exit 3 turned 0) and `-.py` failed the whole run."""
    victim = "VICTIM = 1\n"
    repo = make_repo(
        tmp_path / "repo",
        {
            "app.py": HIGH,
            "victim.py": victim,
            "-ovictim.py": "A = 1\n",
            "-xapp.py": "B = 2\n",
            "-.py": "C = 3\n",
        },
    )
    run = heal(repo, "--scan", ".", "--output-format", "json")
    assert (repo / "victim.py").read_text() == victim
    assert run.code == 3, run.err  # app.py's MD5 is HIGH severity: blocked on a human
    payload = json.loads(run.out)
    assert any(f["path"] == "app.py" and f["code"] == "bandit:B324" for f in payload["findings"])
    assert not [n for n in payload.get("notes", []) if "bandit" in n and "fail" in n]
