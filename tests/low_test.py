"""Issue 11, the low items: each a clear error (exit 2, one line, no traceback) or a warning."""

from __future__ import annotations

import os

import pytest

from tests.helpers import git, heal, heal_env, heal_process, make_repo

pytestmark = pytest.mark.slow  # heal end to end

FIXABLE = '"""Imports what it never uses."""\n\nimport os\n\nX = 1\n'
HIGH = (
    '"""Runs a shell."""\n\nimport subprocess\n\n\n'
    "def run(cmd: str) -> None:\n    subprocess.run(cmd, shell=True)\n"
)


@pytest.mark.parametrize(
    ("pyproject", "named"),
    [
        pytest.param("[tool.healers]\ntimeout = inf\n", "timeout", id="timeout = inf"),
        pytest.param("[tool.healers]\ntimeout = nan\n", "timeout", id="timeout = nan"),
        pytest.param("[tool.healers]\ntimeout = 1e308\n", "timeout", id="timeout = 1e308"),
        pytest.param("[tool.healers]\nverify-timeout = inf\n", "verify-timeout", id="verify inf"),
        pytest.param(
            "[tool.healers]\nverify-timeout = 1e308\n", "verify-timeout", id="verify 1e308"
        ),
        pytest.param(
            "[tool.healers]\ndemote-rollback-rate = nan\n", "demote-rollback-rate", id="nan rate"
        ),
        pytest.param("[tool.healers]\nexclude = 5\n", "exclude", id="a number for a list"),
        pytest.param("[tool.healers]\nignore = [5]\n", "ignore", id="a list of numbers"),
        pytest.param("tool = 5\n", "[tool] must be a table", id="tool not a table"),
        pytest.param(
            "[tool]\nruff = 5\n", "[tool.ruff] must be a table", id="[tool.ruff] a number"
        ),
        pytest.param("[tool]\nmypy = []\n", "[tool.mypy] must be a table", id="[tool.mypy] a list"),
        pytest.param("[tool]\nbandit = 'x'\n", "[tool.bandit] must be a table", id="[tool.bandit]"),
        pytest.param("project = 3\n", "[project] must be a table", id="project not a table"),
        pytest.param("[project]\nrequires-python = 3.9\n", "requires-python", id="a number"),
        pytest.param("[tool.healers]\nplan-fixes = -1\n", "plan-fixes", id="plan-fixes < 0"),
        pytest.param("[tool.healers]\nplan-fixes = 'all'\n", "plan-fixes", id="plan-fixes str"),
    ],
)
def test_config_values_of_the_wrong_type_or_out_of_range_are_errors(tmp_path, pyproject, named):
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": pyproject, "a.py": FIXABLE})
    run = heal(repo, "--scan", ".", "--fix")
    assert (run.code, run.out) == (2, ""), run.err
    assert run.err.count("\n") == 1 and named in run.err, run.err
    assert "Traceback" not in run.err
    assert (repo / "a.py").read_text(encoding="utf-8") == FIXABLE


def test_a_missing_libcst_is_an_error_naming_it(tmp_path):
    shadow = tmp_path / "shadow"  # an import system where libcst cannot be found
    shadow.mkdir()
    (shadow / "sitecustomize.py").write_text(
        "import sys\n\n\nclass Hide:\n    def find_spec(self, name, path=None, target=None):\n"
        "        if name.partition('.')[0] == 'libcst':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n\n\n"
        "sys.meta_path.insert(0, Hide())\n",
        encoding="utf-8",
    )
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE})
    run = heal_process(repo, "--scan", ".", env=heal_env(PYTHONPATH=str(shadow)))
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("heal: error: libcst is not installed for ")
    assert run.err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--ignore", "bandit:B602"), id="ignore the code"),
        pytest.param(("--ignore", "security"), id="ignore the category"),
        pytest.param(("--select", "style"), id="select another category"),
    ],
)
def test_select_or_ignore_that_drop_high_security_findings_warn_on_every_run(tmp_path, args):
    repo = make_repo(tmp_path / "repo", {"app.py": HIGH})
    for _ in range(2):
        run = heal(repo, "--scan", ".", *args)
        assert run.code in (0, 1), run.err
        assert "bandit:B602" not in run.out
        assert (
            "heal: warning: select/ignore leave out 1 HIGH-severity security finding(s) " in run.err
        )
        assert "(bandit:B602 at app.py:7)" in run.err
    quiet = heal(repo, "--scan", ".", "--ignore", "style")
    assert "warning" not in quiet.err


def test_file_mode_and_extended_attributes_survive_a_rewrite(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE})
    target = repo / "a.py"
    target.chmod(0o751)
    try:
        os.setxattr(target, "user.heal-test", b"kept")
    except OSError:
        pytest.skip("this filesystem takes no user extended attributes")
    assert heal(repo, "--scan", ".", "--fix").code == 0
    assert "import os" not in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o7777 == 0o751
    assert os.getxattr(target, "user.heal-test") == b"kept"


def test_pending_all_prints_who_decided_what_and_whether_it_holds(tmp_path):
    repo = make_repo(tmp_path / "repo", {"app.py": HIGH})
    git(repo, "config", "user.name", "Rita Reviewer")
    git(repo, "config", "user.email", "rita@example.org")
    fp = heal(repo, "pending", "--output-format", "json").json()["pending"][0]["fingerprint"]
    assert heal(repo, "reject", fp, "--reason", "cmd is a constant").code == 0
    shown = heal(repo, "pending", "--all")
    assert shown.code == 0, shown.err
    assert "1 decision(s) in .heal/approvals.toml:" in shown.out
    assert f"{fp}  rejected by Rita Reviewer <rita@example.org> at " in shown.out
    assert ": cmd is a constant" in shown.out
    assert "subprocess-shell-true in app.py; holds: accepted-risk" in shown.out
    as_json = heal(repo, "pending", "--all", "--output-format", "json").json()
    assert [(d["fingerprint"], d["who"], d["now"]) for d in as_json["decisions"]] == [
        (fp, "Rita Reviewer <rita@example.org>", "holds: accepted-risk")
    ]
