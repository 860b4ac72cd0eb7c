"""The trust decision of issue 11: code the project declares (mypy plugins, its
python_executable, a verify-cmd) runs in trusted mode as the project's own tools would run it;
under --untrusted (HEAL_UNTRUSTED=1) none of it runs, and no cache is read from the repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import git, heal, heal_env, heal_process, make_repo

pytestmark = pytest.mark.slow  # heal end to end

TYPE_ERROR = '"""A type error mypy reports."""\n\nCOUNT: int = "one"\n'
FIXABLE = '"""Imports what it never uses."""\n\nimport os\n\nX = 1\n'


def evil(markers: Path, name: str) -> str:
    return (
        f"open({str(markers / name)!r}, 'w').close()\n"
        "from mypy.plugin import Plugin\n\n\ndef plugin(version):\n    return Plugin\n"
    )


def fake_python(markers: Path) -> str:
    return f'#!/bin/sh\ntouch {markers / "python_executable"}\nexec python3 "$@"\n'


CONFIGS = {
    "pyproject": (
        "pyproject.toml",
        '[tool.mypy]\nplugins = ["evil.py"]\npython_executable = "./fakepython"\n'
        'junit_xml = "victim.xml"\nlinecount_report = "report"\n'
        '[[tool.mypy.overrides]]\nmodule = "app"\nwarn_unused_ignores = true\n',
    ),
    "mypy.ini": (
        "mypy.ini",
        "[mypy]\nplugins = evil.py\npython_executable = ./fakepython\njunit_xml = victim.xml\n"
        "txt_report = report\n\n[mypy-app]\nwarn_unused_ignores = True\n",
    ),
    "setup.cfg": (
        "setup.cfg",
        "[metadata]\nname = x\n\n[mypy]\nplugins = evil.py\njunit_xml = victim.xml\n",
    ),
}


def hostile(tmp_path: Path, config: str) -> tuple[Path, Path]:
    markers = tmp_path / "markers"
    markers.mkdir()
    name, text = CONFIGS[config]
    files = {
        "app.py": TYPE_ERROR,
        "evil.py": evil(markers, "plugin"),
        "fakepython": fake_python(markers),
        name: text,
    }
    repo = make_repo(tmp_path / "repo", files, commit=False)
    (repo / "fakepython").chmod(0o755)
    git(repo, "add", "-A")
    return repo, markers


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("how", ["--untrusted", "HEAL_UNTRUSTED=1"])
def test_untrusted_runs_no_declared_code_and_writes_no_mypy_report(tmp_path, config, how):
    """`[tool.mypy] plugins = ["evil.py"]` ran evil.py on a report-only scan; untrusted, it
    must not, nor the configured python_executable, and mypy's declared reports are not
    written. mypy still runs and finds the type error; the report says types may differ."""
    repo, markers = hostile(tmp_path, config)
    args = ["--scan", ".", "--output-format", "json"]
    if how == "--untrusted":
        run = heal_process(repo, *args, "--untrusted")
    else:
        run = heal_process(repo, *args, env=heal_env(HEAL_UNTRUSTED="1"))
    assert run.code == 1, run.err
    assert sorted(p.name for p in markers.iterdir()) == []
    assert not (repo / "victim.xml").exists() and not (repo / "report").exists()
    codes = {f["code"] for f in json.loads(run.out)["findings"] if f["path"] == "app.py"}
    assert "mypy:assignment" in codes
    assert "mypy ran without the plugins its config declares (evil.py)" in run.err
    assert not (repo / ".heal" / "cache").exists()  # no cache from (or in) the repository


def test_trusted_mode_runs_the_declared_plugin_as_mypy_would(tmp_path):
    repo, markers = hostile(tmp_path, "pyproject")
    run = heal_process(repo, "--scan", ".")
    assert run.code == 1, run.err
    assert {p.name for p in markers.iterdir()} == {"plugin", "python_executable"}


@pytest.mark.parametrize("untrusted", [True, False])
def test_untrusted_does_not_run_the_configured_verify_command(tmp_path, untrusted):
    marker = tmp_path / "verified"
    pyproject = f'[tool.healers]\nverify-cmd = "touch {marker}"\n'
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE, "pyproject.toml": pyproject})
    run = heal(repo, "--scan", ".", "--fix", *(["--untrusted"] if untrusted else []))
    assert run.code == 0, run.err
    assert marker.exists() is not untrusted  # trusted, the project's declared command runs
    said = "--untrusted: the verify-cmd in the configuration was not run"
    assert (said in run.out) is untrusted


def test_untrusted_with_a_verify_command_is_a_usage_error(tmp_path):
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE})
    run = heal(repo, "--scan", ".", "--fix", "--untrusted", "--verify-cmd", "pytest")
    assert (run.code, run.out) == (2, "")
    assert "--verify-cmd runs the project's code: not with --untrusted" in run.err


def test_a_bad_heal_untrusted_value_is_an_error(tmp_path):
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE})
    run = heal_process(repo, "--scan", ".", env=heal_env(HEAL_UNTRUSTED="maybe"))
    assert run.code == 2
    assert "HEAL_UNTRUSTED='maybe': use 1 (untrusted) or 0" in run.err


@pytest.mark.parametrize("taint", ["committed", "link"])
def test_a_committed_or_linked_mypy_cache_is_not_read(tmp_path, taint):
    repo = make_repo(tmp_path / "repo", {"app.py": TYPE_ERROR})
    assert heal(repo, "--scan", ".").code == 1  # heal's own cache in .heal/cache/mypy
    cache = repo / ".heal" / "cache" / "mypy"
    if taint == "committed":
        git(repo, "add", "-f", ".heal/cache")
    else:
        (cache / "planted").symlink_to(tmp_path)
    run = heal(repo, "--scan", ".", "--output-format", "json")
    assert run.code == 1, run.err
    assert f"{cache} holds" in run.err and "not used; mypy ran with a fresh cache" in run.err
    assert "mypy:assignment" in {f["code"] for f in run.json()["findings"]}


def test_a_missing_mypy_plugin_is_named_as_such(tmp_path):
    pyproject = '[tool.mypy]\nplugins = ["no_such_plugin_4711"]\n'
    repo = make_repo(tmp_path / "repo", {"app.py": TYPE_ERROR, "pyproject.toml": pyproject})
    run = heal(repo, "--scan", ".")
    assert run.code == 2, run.out + run.err  # one analyzer failed; the others still report
    assert "heal:analyzer-failed" in run.out  # issue 12: the failure is a finding of its own
    assert "a plugin declared in pyproject.toml cannot be imported" in run.err
    assert "no_such_plugin_4711" in run.err
    assert heal(repo, "--scan", ".", "--untrusted").code == 1  # without plugins mypy runs


def test_a_repositorys_own_git_config_starts_no_program(tmp_path):
    """A repository that comes as a tarball brings .git/config: `core.fsmonitor` there is a
    program `git ls-files` runs, and heal's --scan runs git ls-files."""
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE})
    marker = tmp_path / "fsmonitor-ran"
    git(repo, "config", "core.fsmonitor", f"touch {marker}; echo")
    run = heal(repo, "--scan", ".")
    assert run.code == 1, run.err
    assert not marker.exists()
