"""Issue 11, item 2: file names never become heal's options or a subcommand (pre-commit runs
`entry + args + file names`, and nothing ends the options); users' own `args:` keep working."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from healers import cli, command_line
from tests.helpers import heal, make_repo

HOSTILE = {
    "--verify-cmd=touch PWNED #.py": "X = 1\n",
    "--output-file=victim.py": "Y = 2\n",
    "--unsafe-fixes": "Z = 3\n",
}
VICTIM = '"""Must not be overwritten by a report."""\n\nV = 1\n'
FIXABLE = '"""Imports what it never uses."""\n\nimport os\n\nX = 1\n'


def _parsed(tmp_path: Path, words: list[str], files: list[str]) -> argparse.Namespace:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("X = 1\n", encoding="utf-8")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        return cli.parse(words)
    finally:
        os.chdir(old)


SEPARATE = [
    pytest.param(
        ["--fix", "--verify-cmd=touch PWNED #.py"],
        ["--verify-cmd=touch PWNED #.py"],
        {"fix": True, "verify_cmd": None, "files": ["--verify-cmd=touch PWNED #.py"]},
        id="a file named like an option is a file",
    ),
    pytest.param(
        ["--fix", "--output-file=victim.py", "a.py"],
        ["--output-file=victim.py", "a.py"],
        {"output_file": None, "files": ["--output-file=victim.py", "a.py"]},
        id="--output-file=... as a file name",
    ),
    pytest.param(
        ["--config", "heal.toml", "--verify-cmd", "pytest -q", "a.py"],
        ["heal.toml", "a.py"],
        {"config": "heal.toml", "verify_cmd": "pytest -q", "files": ["a.py"]},
        id="users' args: an option's value stays its value, even when it names a file",
    ),
    pytest.param(
        ["--scan", "src"],
        ["src/a.py"],
        {"scan": "src", "files": []},
        id="--scan PATH",
    ),
    pytest.param(
        ["--fix", "--", "--fix"],
        [],
        {"fix": True, "files": ["--fix"]},
        id="-- ends the options",
    ),
    pytest.param(
        ["-h", "--exit-non-zero-on-fix", "--fix"],
        ["-h", "--exit-non-zero-on-fix"],
        {"fix": True, "exit_non_zero_on_fix": False, "files": ["-h", "--exit-non-zero-on-fix"]},
        id="even --help",
    ),
]


@pytest.mark.parametrize(("words", "files", "expected"), SEPARATE)
def test_words_that_name_files_are_files(tmp_path, words, files, expected) -> None:
    args = _parsed(tmp_path, words, files)
    for key, value in expected.items():
        assert getattr(args, key) == value, key


@pytest.mark.parametrize("name", ["baseline", "undo", "stop", "approve", "init"])
def test_a_first_word_that_names_a_file_is_not_a_subcommand(tmp_path, name) -> None:
    """pre-commit's `entry: heal` + a staged file named `baseline` would run `heal baseline`."""
    args = _parsed(tmp_path, [name, "other.py"], [name, "other.py"])
    assert (args.command, args.files) == (cli.RUN, [name, "other.py"])


def test_a_subcommand_still_runs_beside_a_folder_of_its_name(tmp_path) -> None:
    (tmp_path / "log").mkdir()
    args = _parsed(tmp_path, ["log", "-n", "3"], [])
    assert (args.command, args.count) == ("log", 3)


def test_abbreviations_are_not_options(tmp_path) -> None:
    with pytest.raises(SystemExit):
        _parsed(tmp_path, ["--verify-c", "touch PWNED", "a.py"], ["a.py"])


def test_value_options_come_from_the_parser() -> None:
    run = cli._subparsers(cli.parser()).choices[cli.RUN]
    one, optional = command_line.value_options(run)
    assert {"--verify-cmd", "--output-file", "--config", "--select"} <= one
    assert optional == {"--scan"}


@pytest.mark.slow
def test_hostile_file_names_in_hook_mode_run_nothing_and_overwrite_nothing(tmp_path) -> None:
    """`heal --fix --exit-non-zero-on-fix FILES`, as pre-commit runs it, with staged files named
    `--verify-cmd=touch PWNED #.py` and `--output-file=victim.py` (the old parser ran the one and
    wrote the report over victim.py with the other)."""
    repo = make_repo(tmp_path / "repo", {**HOSTILE, "victim.py": VICTIM, "app.py": FIXABLE})
    run = heal(repo, "--fix", "--exit-non-zero-on-fix", *HOSTILE, "app.py")
    assert run.code == 1, run.err  # app.py was fixed; nothing else happened
    assert not (repo / "PWNED").exists()
    assert (repo / "victim.py").read_text(encoding="utf-8") == VICTIM
    assert "import os" not in (repo / "app.py").read_text(encoding="utf-8")
    for name, text in HOSTILE.items():  # read and checked as files, like any other
        assert (repo / name).read_text(encoding="utf-8") == text


@pytest.mark.slow
def test_a_staged_file_named_like_a_subcommand_is_checked_not_run(tmp_path) -> None:
    """heal-check's `entry: heal` + staged `baseline` and `app.py`: the old parser ran `heal
    baseline app.py`, writing every finding into .heal/baseline.json."""
    shebang = "#!/usr/bin/env python3\nimport os\n"
    repo = make_repo(tmp_path / "repo", {"baseline": shebang, "app.py": FIXABLE})
    run = heal(repo, "baseline", "app.py")
    assert run.code == 1, run.err
    assert "ruff:F401" in run.out
    assert not (repo / ".heal" / "baseline.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("words", "said"),
    [
        pytest.param(["src"], "src: a directory; name files, or use --scan src", id="a folder"),
        pytest.param([""], "an empty file name", id="an empty string"),
    ],
)
def test_hook_mode_given_a_folder_or_an_empty_name_is_an_error(tmp_path, words, said) -> None:
    repo = make_repo(tmp_path / "repo", {"src/app.py": FIXABLE})
    run = heal(repo, *words)
    assert (run.code, run.out) == (2, "")
    assert run.err.strip() == f"heal: error: {said}"
