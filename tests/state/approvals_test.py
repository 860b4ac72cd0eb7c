"""The approval gate end to end (real bandit, real git, the real CLI) and approvals.toml itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from healers.finding import Finding
from healers.fingerprint import fingerprints, scopes
from healers.state import approvals
from healers.state.approvals import Decision
from tests.helpers import git, heal, heal_process, make_repo

PYPROJECT = '[project]\nname = "gated"\nrequires-python = ">=3.10"\n'
# B602, B324, B501 are HIGH; B506 and B113 are MEDIUM (bandit 1.9.4)
SOURCE = '''\
"""Five findings, three of them HIGH."""

import hashlib
import subprocess

import requests
import yaml


def run(command: str) -> None:
    subprocess.run(command, shell=True, check=True)


def digest(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def fetch(url: str) -> bytes:
    reply = requests.get(
        url, verify=False, timeout=5
    )
    return reply.content


def settings(text: str) -> object:
    return yaml.load(text)


def ping(url: str) -> int:
    return requests.head(url).status_code
'''
HIGH_LINES = (
    "    subprocess.run(command, shell=True, check=True)\n",
    "    return hashlib.md5(data).hexdigest()\n",
    "    reply = requests.get(\n        url, verify=False, timeout=5\n    )\n",
)


def project(tmp_path: Path, source: str = SOURCE) -> Path:
    repo = make_repo(tmp_path / "p", {"pyproject.toml": PYPROJECT, "app.py": source})
    git(repo, "config", "user.name", "Ada Reviewer")
    git(repo, "config", "user.email", "ada@example.invalid")
    return repo


def security(repo: Path) -> dict[str, dict[str, object]]:
    """bandit findings by code, from a JSON scan restricted to security."""
    run = heal(repo, "--scan", ".", "--select", "security", "--output-format", "json")
    assert run.code in (0, 1, 3), run.err
    return {f["code"]: f for f in run.json()["findings"] if f["code"].startswith("bandit:")}


@pytest.fixture(scope="module")
def healed(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, str, dict[str, dict[str, object]]]:
    """The file after `heal --fix --unsafe-fixes`: (repo, stderr, findings before the fix)."""
    repo = project(tmp_path_factory.mktemp("gate"))
    before = security(repo)
    run = heal(repo, "--scan", ".", "--fix", "--unsafe-fixes")
    assert run.code == 3, run.out + run.err
    return repo, run.err, before


@pytest.mark.slow
def test_fix_applies_medium_fixes_and_leaves_high_lines_byte_identical(healed):
    repo, _, before = healed
    assert {c: f["severity"] for c, f in before.items() if c != "bandit:B404"} == {
        "bandit:B602": "high",
        "bandit:B324": "high",
        "bandit:B501": "high",
        "bandit:B506": "medium",
        "bandit:B113": "medium",
    }
    text = (repo / "app.py").read_text(encoding="utf-8")
    for line in HIGH_LINES:
        assert line in text, line
    assert "yaml.safe_load(text)" in text
    assert "requests.head(url, timeout=60)" in text
    after = security(repo)
    assert {c for c, f in after.items() if f["status"] == "blocked"} == {
        "bandit:B602",
        "bandit:B324",
        "bandit:B501",
    }
    assert "bandit:B506" not in after and "bandit:B113" not in after


@pytest.mark.slow
def test_blocked_run_prints_the_exact_commands(healed):
    repo, err, _ = healed
    after = security(repo)
    assert f"heal approve {after['bandit:B324']['fingerprint']}" in err
    assert f"heal approve {after['bandit:B501']['fingerprint']}" in err


@pytest.mark.slow
def test_approve_applies_exactly_that_fix_and_records_it(tmp_path):
    repo = project(tmp_path)
    fps = {c: f["fingerprint"] for c, f in security(repo).items()}
    original = (repo / "app.py").read_text(encoding="utf-8")
    run = heal(repo, "approve", str(fps["bandit:B324"]))
    assert run.code == 0, run.out + run.err
    text = (repo / "app.py").read_text(encoding="utf-8")
    assert text == original.replace("md5(data)", "md5(data, usedforsecurity=False)")
    (decision,) = approvals.load(repo / ".heal").values()
    assert (decision.fingerprint, decision.decision, decision.rule, decision.path) == (
        fps["bandit:B324"],
        "approve",
        "weak-hash",
        "app.py",
    )
    assert decision.who == "Ada Reviewer <ada@example.invalid>"
    left = security(repo)
    assert "bandit:B324" not in left
    assert left["bandit:B501"]["status"] == "blocked"


@pytest.mark.slow
def test_reject_records_accepted_risk_that_survives_lines_inserted_above(tmp_path):
    repo = project(tmp_path)
    fp = security(repo)["bandit:B501"]["fingerprint"]
    run = heal(repo, "reject", str(fp), "--reason", "internal host with a self-signed cert")
    assert run.code == 0, run.err
    assert security(repo)["bandit:B501"]["status"] == "accepted-risk"
    shifted = SOURCE.replace('"""Five', '# a new comment\n# and another\n"""Five', 1)
    (repo / "app.py").write_text(shifted, encoding="utf-8")
    moved = security(repo)["bandit:B501"]
    assert moved["fingerprint"] == fp
    assert moved["status"] == "accepted-risk"
    assert moved["line"] == security_line(SOURCE, "verify=False") + 2


def security_line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.slow
def test_a_decision_is_void_when_the_flagged_code_changes(tmp_path):
    repo = project(tmp_path)
    fp = security(repo)["bandit:B501"]["fingerprint"]
    assert heal(repo, "reject", str(fp), "--reason", "lab only").code == 0
    # bandit flags the `verify=False` line (the fingerprint's), within the call's lines 1-3:
    # the fingerprint stays, the flagged code does not
    changed = SOURCE.replace("reply = requests.get(", "answer = requests.get(").replace(
        "return reply.content", "return answer.content"
    )
    (repo / "app.py").write_text(changed, encoding="utf-8")
    again = security(repo)["bandit:B501"]
    assert again["fingerprint"] == fp
    assert again["status"] == "blocked"
    assert "void" in str(again["fix"])


@pytest.mark.slow
def test_pending_lists_the_proposed_diff_and_never_prompts(tmp_path):
    repo = project(tmp_path)
    run = heal_process(repo, "pending")  # stdin is /dev/null, as under pre-commit
    assert run.code == 3, run.err
    fps = {c: f["fingerprint"] for c, f in security(repo).items()}
    assert f"heal approve {fps['bandit:B324']}" in run.out
    assert "+    return hashlib.md5(data, usedforsecurity=False).hexdigest()" in run.out
    assert "-        url, verify=False, timeout=5" in run.out
    # a command built at run time has no fix: only rejecting (or a hand fix) unblocks it
    assert f'heal reject {fps["bandit:B602"]} --reason "..."' in run.out


@pytest.mark.slow
def test_approving_a_finding_without_a_fix_is_refused(tmp_path):
    repo = project(tmp_path)
    fp = security(repo)["bandit:B602"]["fingerprint"]
    run = heal(repo, "approve", str(fp))
    assert run.code == 1
    assert "heal reject" in run.err
    assert approvals.load(repo / ".heal") == {}


@pytest.mark.slow
def test_unknown_fingerprint_is_an_error(tmp_path):
    repo = project(tmp_path)
    run = heal(repo, "approve", "0123456789abcdef")
    assert run.code == 1
    assert "no finding waits" in run.err


@pytest.mark.slow
def test_policy_cannot_lower_the_high_gate_without_the_logged_setting(tmp_path):
    lowered = PYPROJECT + '\n[tool.healers]\napproval = { "weak-hash" = "never" }\n'
    repo = project(tmp_path)
    (repo / "pyproject.toml").write_text(lowered, encoding="utf-8")
    assert security(repo)["bandit:B324"]["status"] == "blocked"
    (repo / "pyproject.toml").write_text(
        lowered + "allow-unapproved-high = true\n", encoding="utf-8"
    )
    # weak-hash's fix is unsafe: with --unsafe-fixes nothing but the gate could hold it back
    scan = ("--scan", ".", "--select", "security", "--unsafe-fixes", "--output-format", "json")
    run = heal(repo, *scan)
    assert "warning: allow-unapproved-high = true" in run.err
    found = {f["code"]: f for f in run.json()["findings"]}
    assert found["bandit:B324"]["status"] == "fixable"


@pytest.mark.slow
def test_policy_can_raise_a_rule_to_always(tmp_path):
    raised = PYPROJECT + '\n[tool.healers]\napproval = { "unsafe-yaml-load" = "always" }\n'
    repo = project(tmp_path)
    (repo / "pyproject.toml").write_text(raised, encoding="utf-8")
    assert security(repo)["bandit:B506"]["status"] == "needs-approval"


# --- approvals.toml and the hashes, without analyzers ------------------------------------------


def finding(line: int, end_line: int = 0) -> Finding:
    return Finding("bandit:B324", "app.py", line, 12, "weak hash", end_line=end_line)


def test_code_hash_survives_shifts_crlf_and_reindentation_but_not_edits():
    text = SOURCE
    line = security_line(text, "md5")
    base = approvals.code_hash(finding(line), text)
    shifted = "# one\n# two\n" + text
    assert approvals.code_hash(finding(line + 2), shifted) == base
    assert approvals.code_hash(finding(line), text.replace("\n", "\r\n")) == base
    assert approvals.code_hash(finding(line), text.replace("    ", "\t")) == base
    assert approvals.code_hash(finding(line), text.replace("md5(data)", "md5(data[1:])")) != base


def test_diff_hash_ignores_hunk_positions_not_content():
    a = "--- a/x.py\n+++ b/x.py\n@@ -3 +3 @@\n-x = md5(d)\n+x = md5(d, usedforsecurity=False)\n"
    moved = a.replace("@@ -3 +3 @@", "@@ -9 +9 @@")
    other = a.replace("False", "True")
    assert approvals.diff_hash(a) == approvals.diff_hash(moved) != approvals.diff_hash(other)


def test_fingerprint_and_approval_survive_lines_inserted_above():
    text = SOURCE
    line = security_line(text, "md5")
    shifted = "import os\n\n" + text
    fp = fingerprints([finding(line)], text, scopes(ast.parse(text)))
    fp2 = fingerprints([finding(line + 2)], shifted, scopes(ast.parse(shifted)))
    assert fp == fp2
    decision = Decision(
        fp[0], "weak-hash", "app.py", "approve", "", "A", "2026-01-01T00:00:00+00:00",
        approvals.code_hash(finding(line), text), approvals.diff_hash("-a\n+b\n"),
    )  # fmt: skip
    assert approvals.why_void(decision, finding(line + 2), shifted, "-a\n+b\n") == ""
    assert "fix changed" in approvals.why_void(decision, finding(line + 2), shifted, "-a\n+c\n")


def test_approvals_file_round_trips_any_text(tmp_path):
    tricky = 'a "quoted" reason\\ with\nnewline, tab\t, unicode é 🚀 and \x01'
    d = Decision("f" * 16, "weak-hash", "src/ü.py", "reject", tricky, "Zoë <z@x>", "t", "c", "d")
    approvals.record(tmp_path / ".heal", {d.fingerprint: d})
    assert approvals.load(tmp_path / ".heal") == {d.fingerprint: d}
    text = approvals.path_of(tmp_path / ".heal").read_text(encoding="utf-8")
    assert text.startswith("# Human decisions")


def test_broken_approvals_file_names_the_entry(tmp_path):
    state = tmp_path / ".heal"
    state.mkdir()
    approvals.path_of(state).write_text('[[decision]]\nfingerprint = "x"\n', encoding="utf-8")
    with pytest.raises(approvals.ApprovalsError, match=r"#1: needs string field"):
        approvals.load(state)
