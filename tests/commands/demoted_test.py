"""A rule demoted by learned trust: every finding heal says waits for a human is listed by
`heal pending` and accepted by `heal approve` / `heal reject` (it used to be left out of them, so
the hook stayed blocked until .heal/stats.sqlite was deleted by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers.state import stats
from tests.helpers import git, heal, make_repo

pytestmark = pytest.mark.slow
PYPROJECT = '[project]\nname = "trusted"\nrequires-python = ">=3.10"\n'
# membership-in-list-literal has a codemod (UseSetLiteral); unused-import is ruff's own edit
LOOP = "def f(xs):\n    for x in xs:\n        if x in [1, 2]:\n            print(x)\n"
UNUSED = "import os\n"


def demoted_project(tmp_path: Path) -> Path:
    repo = make_repo(
        tmp_path / "p", {"pyproject.toml": PYPROJECT, "loop.py": LOOP, "un.py": UNUSED}
    )
    git(repo, "config", "user.name", "Ada Reviewer")
    git(repo, "config", "user.email", "ada@example.invalid")
    # what five rolled-back fixes of each rule leave in the real store
    rolled = {"applied": 5, "rolled_back": 5}
    stats.add(repo / ".heal", {"membership-in-list-literal": rolled, "unused-import": rolled})
    return repo


def waiting(repo: Path) -> dict[str, str]:
    """rule id -> fingerprint of what `heal pending` lists."""
    run = heal(repo, "pending", "--output-format", "json")
    assert run.code in (0, 3), run.err
    return {row["rule"]: row["fingerprint"] for row in run.json()["pending"]}


def test_every_finding_a_demoted_rule_blocks_is_pending_and_decided(tmp_path: Path) -> None:
    repo = demoted_project(tmp_path)
    scan = heal(repo, "--scan", ".", "--fix", "--output-format", "json")
    assert scan.code == 1, scan.err  # proposals in `heal pending`: ordinary findings, no block
    blocked = {
        f["rule"]: f["fingerprint"]
        for f in scan.json()["findings"]
        if f["status"] == "needs-approval"
    }
    assert set(blocked) == {"membership-in-list-literal", "unused-import"}, scan.out
    assert (repo / "loop.py").read_text() == LOOP  # nothing fixed silently
    assert waiting(repo) == blocked

    approved = heal(repo, "approve", blocked["membership-in-list-literal"])
    assert approved.code == 0, approved.out + approved.err
    assert (repo / "loop.py").read_text() == LOOP.replace("[1, 2]", "{1, 2}")
    rejected = heal(repo, "reject", blocked["unused-import"], "--reason", "kept on purpose")
    assert rejected.code == 0, rejected.out + rejected.err
    assert waiting(repo) == {}
    again = heal(repo, "--scan", ".")
    assert again.code == 0, again.out + again.err
    assert (repo / "un.py").read_text() == UNUSED


def test_a_demoted_analyzer_fix_is_approved_and_applied_as_proposed(tmp_path: Path) -> None:
    repo = demoted_project(tmp_path)
    fingerprint = waiting(repo)["unused-import"]
    pending = heal(repo, "pending")
    assert "-import os" in pending.out, pending.out  # ruff's own edit, planned alone
    approved = heal(repo, "approve", fingerprint)
    assert approved.code == 0, approved.out + approved.err
    assert (repo / "un.py").read_text() == ""
