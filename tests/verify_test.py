"""--verify-cmd end to end: real heal runs, real commands (pytest itself for the main story)."""

from __future__ import annotations

import json
import shlex
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from healers import config
from tests.helpers import heal, make_repo, snapshot

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

PYTEST = f"{shlex.quote(sys.executable)} -m pytest -q -p no:cacheprovider tests"
# api.py re-exports `helper` through an import ruff calls unused; the tests import it from there
STORY = {
    "pyproject.toml": '[project]\nname = "story"\nversion = "0"\n',
    "pkg/__init__.py": "",
    "pkg/core.py": "def helper():\n    return 42\n",
    "pkg/api.py": (
        "import os\nfrom pkg.core import helper\n\n\ndef answer():\n    return 41 + 1\n"
    ),
    "pkg/other.py": "import sys\r\nimport json\r\n\r\n\r\ndef other():\r\n    return 1\r\n",
    "tests/__init__.py": "",
    "tests/test_api.py": (
        "from pkg.api import answer, helper\n\n\ndef test_helper():\n"
        "    assert helper() == answer()\n"
    ),
}


def green(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        shlex.split(PYTEST), cwd=repo, capture_output=True, text=True, check=False
    )


def test_the_re_exported_import_stays_the_rest_is_fixed_and_undo_restores(tmp_path):
    repo = make_repo(tmp_path / "repo", STORY)
    before = snapshot(repo)
    run = heal(repo, "--scan", "--fix", "--verify-cmd", PYTEST, "--output-format", "json")
    assert run.code == 1, run.err  # bandit's B101 on the test's assert is left for a human
    payload = run.json()
    api = (repo / "pkg/api.py").read_text(encoding="utf-8")
    assert "from pkg.core import helper" in api  # kept: the tests need it
    assert "import os" not in api  # the harmless fixes stay
    assert b"import" not in (repo / "pkg/other.py").read_bytes()
    assert b"\r\n" in (repo / "pkg/other.py").read_bytes()
    assert green(repo).returncode == 0
    [kept] = [f for f in payload["findings"] if "helper" in f["message"]]
    assert (kept["code"], kept["status"]) == ("ruff:F401", "unfixable")
    assert "rolled back" in kept["fix"]
    rolled_note = next(n for n in payload["notes"] if "rolled back a unused-import fix" in n)
    assert "cannot import name 'helper'" in rolled_note  # the command's own output

    records = [json.loads(line) for line in (repo / ".heal/audit.jsonl").read_text().splitlines()]
    by_path = {r["path"]: r for r in records}
    assert set(by_path) == {"pkg/api.py", "pkg/other.py"}
    assert len({r["run"] for r in records}) == 1
    api_record = by_path["pkg/api.py"]
    assert [f["code"] for f in api_record["rolled_back"]] == ["ruff:F401"]
    assert "helper" in api_record["rolled_back"][0]["message"]
    assert api_record["verification"]["outcome"] == "rolled-back"
    assert by_path["pkg/other.py"]["verification"]["outcome"] == "passed"
    assert api_record["verification"]["command"] == PYTEST
    assert payload["run"] == api_record["run"]
    # before any fix, after the pass; then the rules (2), unused-import's files (2), api.py's
    # unused-import fixes (2), and the confirming run: 2 + 1 + 1 + 1 + 1
    assert payload["verify_runs"] == api_record["verification"]["runs"] == 6

    with sqlite3.connect(repo / ".heal/stats.sqlite") as db:
        row = db.execute(
            "SELECT applied, verified, rolled_back FROM rules WHERE rule = 'unused-import'"
        ).fetchone()
    assert row == (4, 3, 1)  # os, sys, json kept and verified; helper rolled back
    shown = heal(repo, "stats", "--output-format", "json")
    stats = {r["rule"]: r for r in shown.json()["rules"]}
    assert stats["unused-import"]["rolled_back"] == 1

    undone = heal(repo, "undo")
    assert undone.code == 0, undone.err
    assert snapshot(repo) == before  # byte for byte, CRLF included
    assert green(repo).returncode == 0


def checker(tmp_path: Path, body: str) -> tuple[str, Path]:
    """A verify command outside the repository that logs each run to a file."""
    log = tmp_path / "runs.log"
    script = tmp_path / "check.py"
    script.write_text(
        "import pathlib, sys\n"
        f"LOG = pathlib.Path({str(log)!r})\n"
        "with LOG.open('a') as out:\n    out.write('run\\n')\n" + textwrap.dedent(body),
        encoding="utf-8",
    )
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}", log


def runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_command_failing_before_any_fix_is_an_error_and_nothing_changes(tmp_path):
    command, log = checker(tmp_path, "sys.exit(3)\n")
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n"})
    before = snapshot(repo)
    run = heal(repo, "--scan", "--fix", "--verify-cmd", command)
    assert run.code == 2
    assert "fails before any fix (exit 3)" in run.err
    assert snapshot(repo) == before
    assert runs(log) == 1
    assert not (repo / ".heal/audit.jsonl").exists()


def test_verify_baseline_failing_keeps_fixes_that_keep_the_exit_code(tmp_path):
    command, log = checker(tmp_path, "sys.exit(3)\n")
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n\nX = 1\n"})
    run = heal(repo, "--scan", "--fix", "--verify-cmd", command, "--verify-baseline-failing")
    assert run.code == 0, run.out + run.err
    assert (repo / "a.py").read_text() == "\nX = 1\n"
    assert "--verify-baseline-failing" in run.out
    assert runs(log) == 2  # before any fix, after the pass


def test_config_verify_cmd_runs_only_when_something_is_fixable(tmp_path):
    command, log = checker(tmp_path, "")
    config = f"[tool.healers]\nverify-cmd = {json.dumps(command)}\n"
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": config, "a.py": "X = 1\n"})
    assert heal(repo, "--scan", "--fix").code == 0
    assert runs(log) == 0
    (repo / "b.py").write_text("import os\n\nY = 2\n")
    assert heal(repo, "--scan", "--fix").code == 0
    assert runs(log) == 2
    assert (repo / "b.py").read_text() == "\nY = 2\n"


def test_bisection_costs_about_log2_runs_not_one_per_fix(tmp_path):
    # 12 files, each with two unused imports (24 fixes of one rule) and unsorted imports; the
    # command fails when m07.py loses `import json`.
    files = {
        f"m{i:02d}.py": "import sys\nimport json\n\n\ndef f():\n    return 1\n" for i in range(12)
    }
    command, log = checker(
        tmp_path,
        f"""
        text = pathlib.Path({str(tmp_path / "repo" / "m07.py")!r}).read_text()
        sys.exit(0 if "import json" in text else 1)
        """,
    )
    repo = make_repo(tmp_path / "repo", files)
    run = heal(repo, "--scan", "--fix", "--verify-cmd", command, "--output-format", "json")
    assert run.code == 1, run.err
    assert "import json" in (repo / "m07.py").read_text()
    assert "import sys" not in (repo / "m07.py").read_text()
    others = [repo / f"m{i:02d}.py" for i in range(12) if i != 7]
    assert all("import" not in p.read_text() for p in others)
    # before any fix + after the pass + isolation: log2 of the rules, files and fixes, + confirm
    assert runs(log) <= 2 + 1 + 4 + 1 + 1, run.json()["notes"]
    assert runs(log) < 24


def test_fixes_that_only_break_together_lose_one(tmp_path):
    command, _ = checker(
        tmp_path,
        f"""
        repo = pathlib.Path({str(tmp_path / "repo")!r})
        gone = ["import os" not in (repo / name).read_text() for name in ("a.py", "b.py")]
        sys.exit(1 if all(gone) else 0)
        """,
    )
    repo = make_repo(tmp_path / "repo", {"a.py": "import os\n", "b.py": "import os\n"})
    run = heal(repo, "--scan", "--fix", "--verify-cmd", command)
    assert run.code == 1, run.err
    texts = sorted((repo / name).read_text() for name in ("a.py", "b.py"))
    assert texts == ["", "import os\n"]


def test_a_command_that_hangs_after_a_fix_times_out_and_the_fix_is_rolled_back(tmp_path):
    command, log = checker(
        tmp_path,
        f"""
        import time
        if "import os" not in pathlib.Path({str(tmp_path / "repo" / "a.py")!r}).read_text():
            time.sleep(60)
        """,
    )
    config = "[tool.healers]\nverify-timeout = 1.5\n"
    repo = make_repo(tmp_path / "repo", {"pyproject.toml": config, "a.py": "import os\n"})
    run = heal(repo, "--scan", "--fix", "--verify-cmd", command)
    assert run.code == 1
    assert (repo / "a.py").read_text() == "import os\n"
    assert "timed out after 1.5 s" in run.out
    assert runs(log) == 2


def test_verification_settings_are_read_and_checked(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.healers]\nverify-cmd = " pytest -q "\nverify-timeout = 60\n'
        "demote-min-fixes = 3\ndemote-rollback-rate = 0.5\n"
    )
    conf = config.load(path, explicit=False)
    assert (conf.verify_cmd, conf.verify_timeout) == ("pytest -q", 60.0)
    assert (conf.demote_min_fixes, conf.demote_rollback_rate) == (3, 0.5)
    for body, named in [
        ("verify-cmd = ['pytest']", "verify-cmd"),
        ("verify-timeout = 0", "verify-timeout"),
        ("demote-min-fixes = 0.5", "demote-min-fixes"),
        ("demote-rollback-rate = 2", "demote-rollback-rate"),
        ("demote-rollback-rate = true", "demote-rollback-rate"),
    ]:
        path.write_text(f"[tool.healers]\n{body}\n")
        with pytest.raises(config.ConfigError, match=named):
            config.load(path, explicit=False)
