"""Issue 12 item 3: the gate blocks (exit 3) what the mission says and nothing else; priorities
know severity and place; the advice names only commands that work (real bandit, ruff, git)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from healers import ignores
from tests.helpers import heal, make_repo

LOW_SECRET = 'PASSWORD = "hunter2"\n'  # bandit B105, LOW: the rule's fix needs approval
HIGH_SHELL = "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"
HIGH_HASH = "import hashlib\n\n\ndef etag(data):\n    return hashlib.md5(data).hexdigest()\n"
PYPROJECT = '[project]\nname = "p"\nrequires-python = ">=3.10"\n'


def findings(done: Any) -> dict[str, dict[str, Any]]:
    return {f["code"]: f for f in done.json()["findings"]}


@pytest.mark.slow
def test_a_low_finding_whose_fix_needs_approval_does_not_block(tmp_path: Path) -> None:
    """jinja2's case: a LOW-severity B105 is a proposal (needs-approval), P2, exit 1 (0 under
    --fail-on P1); `heal pending` lists it with its diff and exits 0 (nothing blocks)."""
    repo = make_repo(tmp_path / "p", {"pyproject.toml": PYPROJECT, "conf.py": LOW_SECRET})
    done = heal(repo, "--scan", "--output-format", "json")
    secret = findings(done)["bandit:B105"]
    assert (secret["status"], secret["priority"], done.code) == ("needs-approval", "P2", 1)
    assert done.json()["summary"]["blocked"] == 0
    assert heal(repo, "--scan", "--fail-on", "P1").code == 0
    pending = heal(repo, "pending", "--output-format", "json")
    assert pending.code == 0
    [row] = pending.json()["pending"]
    assert row["code"] == "bandit:B105" and "os.environ" in row["diff"]


@pytest.mark.slow
def test_high_severity_blocks_and_the_advice_works(tmp_path: Path) -> None:
    """A HIGH finding is `blocked` (exit 3). The advice says `heal approve` only for the one with
    a planned fix (B324) and `heal reject` for the other (B602 has none); approve applies it."""
    repo = make_repo(
        tmp_path / "p", {"pyproject.toml": PYPROJECT, "shell.py": HIGH_SHELL, "etag.py": HIGH_HASH}
    )
    done = heal(repo, "--scan", "--output-format", "json")
    assert done.code == 3
    found = findings(done)
    assert found["bandit:B602"]["status"] == found["bandit:B324"]["status"] == "blocked"
    assert found["bandit:B602"]["priority"] == "P0"
    shell, digest = found["bandit:B602"]["fingerprint"], found["bandit:B324"]["fingerprint"]
    assert f"heal approve {digest}" in done.err
    assert f"heal reject {shell}" in done.err and f"heal approve {shell}" not in done.err
    approved = heal(repo, "approve", digest)
    assert approved.code == 0, approved.out + approved.err
    assert "usedforsecurity=False" in (repo / "etag.py").read_text()


@pytest.mark.slow
def test_a_rule_marked_block_blocks(tmp_path: Path) -> None:
    config = PYPROJECT + '[tool.healers.approval]\n"hardcoded-password" = "block"\n'
    repo = make_repo(tmp_path / "p", {"pyproject.toml": config, "conf.py": LOW_SECRET})
    done = heal(repo, "--scan", "--output-format", "json")
    assert done.code == 3
    assert findings(done)["bandit:B105"]["status"] == "blocked"


TEST_CODE = (
    "import random\n\n\ndef test_it():\n    password = 'x'\n"
    "    assert random.random() < 2, password\n"
)


@pytest.mark.slow
def test_test_files_and_informational_checks_are_quiet_by_default(tmp_path: Path) -> None:
    """itsdangerous' case: asserts, test secrets and random in tests are not findings; `import
    subprocess` and a call without a shell are not findings anywhere; extend-select and
    per-file-ignores change that."""
    src = "import subprocess\n\n\ndef run():\n    subprocess.run(['/bin/ls'], check=True)\n"
    repo = make_repo(
        tmp_path / "p",
        {"pyproject.toml": PYPROJECT, "tests/test_it.py": TEST_CODE, "src/run.py": src},
    )
    done = heal(repo, "--scan", "--output-format", "json", "--select", "security")
    assert done.json()["findings"] == [], done.out
    again = heal(
        repo,
        "--scan",
        "--output-format",
        "json",
        "--select",
        "security",
        "--extend-select",
        "bandit:B101,bandit:B404",
    )
    assert set(findings(again)) == {"bandit:B101", "bandit:B404"}
    config = PYPROJECT + '[tool.healers]\nextend-select = ["bandit:B311"]\n'
    config += '[tool.healers.per-file-ignores]\n"tests/*" = ["bandit:B311"]\n'
    (repo / "pyproject.toml").write_text(config)
    quiet = heal(repo, "--scan", "--output-format", "json", "--select", "security")
    assert quiet.json()["findings"] == []  # the project's own per-file ignore wins


@pytest.mark.parametrize(
    ("path", "is_test"),
    [
        ("tests/a.py", True),
        ("pkg/tests/helpers.py", True),
        ("test_a.py", True),
        ("src/a_test.py", True),
        ("conftest.py", True),
        ("src/testing.py", False),
        ("src/contest.py", False),
    ],
)
def test_test_files(path: str, is_test: bool) -> None:
    assert ignores.is_test_file(path) is is_test
