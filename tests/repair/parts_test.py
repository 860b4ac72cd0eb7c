"""The pure parts of `heal repair`: reading pytest's junit report and tracebacks, where a patch
may write, the settings, which command is pytest."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers import config, toml
from healers.repair import prompt, suite
from healers.repair.writable import Writable, packages

JUNIT = b"""<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0"
failures="2" skipped="1" tests="5">
<testcase classname="tests.test_ops" name="test_add" time="0.001">
<failure message="assert -1 == 5&#10; +  where -1 = add(2, 3)">def test_add():
&gt;       assert add(2, 3) == 5
E       assert -1 == 5

tests/test_ops.py:5: AssertionError</failure></testcase>
<testcase classname="tests.test_ops.TestSub" name="test_sub" time="0.001" />
<testcase classname="tests.test_ops" name="test_skip" time="0.001">
<skipped message="no" /></testcase>
<testcase classname="tests.test_ops" name="test_deep" time="0.001">
<failure message="ZeroDivisionError: division by zero">def test_deep():
&gt;       double(0)

tests/test_ops.py:9:
_ _ _ _
calc/ops.py:13: in double
    return 1 / a
E   ZeroDivisionError: division by zero
/usr/lib/python3/site-packages/other.py:3: in helper</failure></testcase>
<testcase classname="tests.test_ops" name="test_ok" time="0.001" /></testsuite></testsuites>"""


def _project(tmp_path: Path) -> Path:
    for name in ("tests/test_ops.py", "calc/ops.py", "calc/__init__.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    return tmp_path


def test_the_junit_report_gives_node_ids_failures_and_the_frames_inside_the_project(
    tmp_path: Path,
) -> None:
    passed, failures = suite.read_junit(JUNIT, _project(tmp_path))
    assert passed == {"tests/test_ops.py::TestSub::test_sub", "tests/test_ops.py::test_ok"}
    add, deep = failures
    assert add.test == "tests/test_ops.py::test_add"
    assert add.message.startswith("assert -1 == 5\n")
    assert add.frames == (suite.Frame("tests/test_ops.py", 5),)
    assert deep.frames == (suite.Frame("tests/test_ops.py", 9), suite.Frame("calc/ops.py", 13))


def test_python_tracebacks_give_their_frames_too(tmp_path: Path) -> None:
    root = _project(tmp_path)
    text = (
        "Traceback (most recent call last):\n"
        f'  File "{root}/tests/test_ops.py", line 2, in <module>\n'
        '  File "calc/ops.py", line 7, in add\n'
        '  File "/usr/lib/python3.12/json/__init__.py", line 346, in loads\n'
        '  File "calc/missing.py", line 1, in x\n'
    )
    assert suite.frames(text, root) == (
        suite.Frame("tests/test_ops.py", 2),
        suite.Frame("calc/ops.py", 7),
    )


@pytest.mark.parametrize(
    ("command", "pytest"),
    [
        ("python -m pytest -q", True),
        ("pytest", True),
        (".venv/bin/pytest -x tests", True),
        ("py.test", True),
        ("make test", False),
        ("python check.py", False),
        ("tox -e py312", False),
    ],
)
def test_which_command_is_pytest(command: str, pytest: bool) -> None:
    assert suite.is_pytest(command) is pytest


WRITABLE = [
    pytest.param(("calc",), "calc/ops.py", "", id="in a package"),
    pytest.param(("calc",), "calc/sub/deep.py", "", id="deep in a package"),
    pytest.param(("calc",), "calcx/ops.py", "calcx/ops.py is outside writable", id="a look-alike"),
    pytest.param(("calc",), "tests/test_ops.py", "is outside writable", id="tests by default"),
    pytest.param((".",), "tests/test_ops.py", "is a test, and writable", id="tests under ."),
    pytest.param((".",), "calc/test_x.py", "is a test", id="a test module in a package"),
    pytest.param((".",), "conftest.py", "is a test", id="conftest"),
    pytest.param((".", "tests"), "tests/test_ops.py", "", id="tests named"),
    pytest.param(("tests/test_ops.py",), "tests/test_ops.py", "", id="one test file named"),
    pytest.param((".",), "../x.py", "is outside the project", id="above the project"),
    pytest.param((".",), "/etc/passwd", "is outside the project", id="absolute"),
]


@pytest.mark.parametrize(("entries", "path", "said"), WRITABLE)
def test_where_a_repair_may_write(entries: tuple[str, ...], path: str, said: str) -> None:
    why = Writable(entries, True).why_not(path)
    assert (said in why) if said else why == ""


def test_the_default_writable_is_the_package_folders(tmp_path: Path) -> None:
    for name in ("app/__init__.py", "src/lib/__init__.py", "tests/__init__.py", "docs/x.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert packages(tmp_path) == ("app", "src/lib")


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ({"writable": "../up"}, "must be a path inside the project"),
        ({"writable": ["/abs"]}, "must be a path inside the project"),
        ({"writable": [1]}, "writable must be a list of paths"),
        ({"repair": {"max-attempts": 0}}, "must be an integer from 1 to 20"),
        ({"repair": {"max-attempts": True}}, "must be an integer from 1 to 20"),
        ({"repair": {"retries": 2}}, "unknown key `retries` in [tool.healers.repair]"),
        ({"repair": 3}, "[tool.healers.repair] must be a table"),
    ],
)
def test_broken_repair_settings_are_named(table: dict[str, object], said: str) -> None:
    with pytest.raises(config.ConfigError, match=r"pyproject\.toml") as caught:
        config.parse(table, "pyproject.toml")
    assert said in str(caught.value)


def test_repair_settings_are_read() -> None:
    conf = config.parse({"writable": ["src/app/", "lib"], "repair": {"max-attempts": 5}}, "p")
    assert conf.writable == ("src/app", "lib") and conf.repair.max_attempts == 5
    assert config.parse({}, "p").writable is None


def test_the_readme_example_is_valid_configuration() -> None:
    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Model-proposed repairs of failing tests") :]
    start = section.index("```toml\n") + len("```toml\n")
    table = toml.loads(section[start : section.index("```", start)])["tool"]["healers"]
    conf = config.parse(table, "README.md")
    assert conf.writable == ("src/app",) and conf.repair.max_attempts == 3
    assert conf.verify_cmd == suite.DEFAULT


def test_the_prompt_shows_the_failure_the_frames_and_the_imported_code_without_secrets(
    tmp_path: Path,
) -> None:
    (tmp_path / "calc").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "calc/__init__.py").write_text("")
    (tmp_path / "calc/ops.py").write_text(
        'password = "hunter2-very-secret"\n\n\ndef add(a, b):\n    return a - b\n'
    )
    (tmp_path / "tests/test_ops.py").write_text(
        "from calc.ops import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
    )
    failure = suite.Failure(
        "tests/test_ops.py::test_add",
        "assert -1 == 5",
        "tests/test_ops.py:5: AssertionError",
        (suite.Frame("tests/test_ops.py", 5),),
    )
    asked = prompt.build(failure, tmp_path, Writable(("calc",), False), ["s3cret-env-value"])
    user = asked.messages[1]["content"]
    assert asked.shown == ("tests/test_ops.py", "calc/ops.py")  # the frame, then what it imports
    assert "Failing test: tests/test_ops.py::test_add\nFailure: assert -1 == 5" in user
    assert "return a - b" in user and "hunter2-very-secret" not in user
    assert "<redacted-" in user
    assert (
        "You may change files under: calc: the package folders (of those shown: calc/ops.py)"
        in (user)
    )
    again = prompt.retry(
        asked.messages, "a reply", "it still fails: hunter2-very-secret", asked.redactor
    )
    assert len(again) == 4 and "hunter2-very-secret" not in again[-1]["content"]
