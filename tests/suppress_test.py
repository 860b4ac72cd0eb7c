"""Issue 12 item 5: heal's own suppression comments, and other tools' noqa codes kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers.finding import Finding
from healers.suppress import silenced
from tests.helpers import heal, make_repo


def own(code: str = "heal:self-comparison") -> Finding:
    return Finding(code=code, path="a.py", line=1, column=1, message="", name=code.split(":")[1])


@pytest.mark.parametrize(
    ("finding", "line", "quiet"),
    [
        pytest.param(own(), "x == x  # heal: ignore[self-comparison]", True, id="by rule id"),
        pytest.param(own(), "x == x  # heal: ignore[heal:self-comparison]", True, id="by code"),
        pytest.param(own(), "x == x  # heal: ignore", True, id="bare"),
        pytest.param(own(), "x == x  # noqa", True, id="bare noqa"),
        pytest.param(own(), "x == x  # heal: ignore[other-rule]", False, id="another rule"),
        pytest.param(own(), "x == x  # noqa: PLR0124", False, id="noqa with ruff's codes"),
        pytest.param(own("ruff:F401"), "import os  # heal: ignore", False, id="bare: heal's only"),
        pytest.param(
            own("ruff:F401"), "import os  # heal: ignore[F401]", True, id="a ruff finding by name"
        ),
        pytest.param(own(), "x == '# heal: ignore'", True, id="look-alike in a string (accepted)"),
    ],
)
def test_silenced(finding: Finding, line: str, quiet: bool) -> None:
    assert silenced(finding, "self-comparison", line) is quiet


SELF = "def f(a):\n    return a == a\n"


@pytest.mark.slow
def test_suppression_comments_through_the_cli(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p",
        {
            "loud.py": SELF,
            "quiet.py": "def f(a):\n    return a == a  # heal: ignore[self-comparison]\n",
            "noqa.py": "def f(a):\n    return a == a  # noqa\n",
        },
    )
    done = heal(repo, "--scan", "--output-format", "json", "--select", "heal:self-comparison")
    assert [f["path"] for f in done.json()["findings"]] == ["loud.py"], done.out


FLAKE8 = "import os  # noqa: F401\n\n\nclass A:\n    def m(cls):  # noqa: B902\n        return os\n"


@pytest.mark.slow
def test_fix_keeps_other_tools_noqa_codes(tmp_path: Path) -> None:
    """click's case: flake8's codes (B902, unknown to ruff) and a project that does not run
    ruff: `--fix` deletes none of its noqa comments."""
    repo = make_repo(tmp_path / "p", {"setup.cfg": "[flake8]\nselect = B902\n", "a.py": FLAKE8})
    done = heal(repo, "--scan", "--fix", "--output-format", "json")
    assert (repo / "a.py").read_text() == FLAKE8
    # without a ruff config of its own the project does not run RUF100/RUF102 (issue 13): heal
    # does not report them at all, so nothing can delete the codes
    codes = {f["code"] for f in done.json()["findings"]}
    assert not {"ruff:RUF100", "ruff:RUF102"} & codes, codes
    assert all(f["status"] != "fixed" for f in done.json()["findings"])


SHELL = 'import subprocess\n\nsubprocess.call("ls -l", shell=True)\n'


@pytest.mark.slow
def test_a_fix_that_brings_a_finding_heal_cannot_fix_is_not_applied(tmp_path: Path) -> None:
    """shell=True -> argv adds B603: reported (extend-select), it would fail the hook, so the
    file goes back and the report says why; where B603 is not reported (the default) the fix
    stays."""
    repo = make_repo(tmp_path / "p", {"a.py": SHELL})
    args = ("--scan", "--fix", "--unsafe-fixes", "--select", "security")
    kept = heal(repo, *args, "--extend-select", "bandit:B603", "--output-format", "json")
    assert (repo / "a.py").read_text() == SHELL
    [shell] = [f for f in kept.json()["findings"] if f["code"] == "bandit:B602"]
    assert shell["status"] == "unfixable"
    assert "the fix brought bandit:B603" in shell["fix"]
    assert "0 file(s) (1 more written and put back)" in heal(repo, "log").out
    fixed = heal(repo, *args)
    assert fixed.code == 1, fixed.out  # B607 (partial path) is left for a person
    assert '["ls", "-l"], shell=False' in (repo / "a.py").read_text()
