"""`heal repair` end to end: a seeded bug in a small package with a real pytest suite, the real
`openai` client against the local scripted server, real git; every patch checked in a scratch
copy with the whole suite."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import git, heal, start_heal
from tests.llm.server import Reply, Server
from tests.repair import seeded

pytestmark = pytest.mark.slow


def _in_order(replies: Sequence[Reply]) -> Any:
    taken = [0]

    def script(body: dict[str, Any]) -> Reply:
        i = taken[0]
        taken[0] += 1
        return replies[min(i, len(replies) - 1)]

    return script


def _repair(repo: Path, *args: str) -> dict[str, Any]:
    done = heal(repo, "repair", "--output-format", "json", *args)
    assert done.code == 1, done.err
    payload: dict[str, Any] = json.loads(done.out)
    return payload


def _round(
    tmp_path: Path, answers: Sequence[str], healers: str = ""
) -> tuple[Path, Server, dict[str, Any]]:
    """The seeded project, one `heal repair` against a server giving `answers` in order."""
    with Server(_in_order([Reply(a) for a in answers])) as server:
        repo = seeded.make(tmp_path / "p", server.url, healers)
        return repo, server, _repair(repo)


def _suite(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_correct_patch_is_queued_and_approve_applies_it_and_the_suite_is_green(
    tmp_path: Path,
) -> None:
    repo, server, payload = _round(tmp_path, [seeded.GOOD])
    assert len(server.requests) == 1
    asked = server.requests[0]["messages"][1]["content"]
    assert seeded.FAILING in asked and "assert -1 == 5" in asked
    assert "calc/ops.py" in asked and "return a - b" in asked  # the code under test was shown
    (row,) = payload["failures"]
    assert row["test"] == seeded.FAILING and row["files"] == ["calc/ops.py"]
    assert row["queued"] and row["suite_runs"] == 1 and payload["suite_runs"] == 2
    assert (repo / "calc/ops.py").read_text() == seeded.BUGGY  # nothing written yet
    listed = heal(repo, "pending")
    assert f"{row['queued']}  repair of {seeded.FAILING}" in listed.out
    assert "the suite loses no test: 3 passed before, 4 with the patch" in listed.out
    approved = heal(repo, "approve", row["queued"][:8])
    assert approved.code == 0, approved.err
    assert (repo / "calc/ops.py").read_text() == seeded.FIXED
    assert _suite(repo).returncode == 0
    record = json.loads((repo / ".heal/audit.jsonl").read_text().splitlines()[-1])
    assert record["rules"] == ["repair"] and record["approved_by"].startswith("Ada Reviewer")
    assert heal(repo, "pending").out.strip() == "Nothing waits for a decision."
    assert heal(repo, "undo").code == 0  # through the audit: undo takes it back byte for byte
    assert (repo / "calc/ops.py").read_text() == seeded.BUGGY


def test_a_patch_that_fixes_the_test_but_breaks_another_is_rejected(tmp_path: Path) -> None:
    repo, _server, payload = _round(
        tmp_path, [seeded.BREAKS], "[tool.healers.repair]\nmax-attempts = 1"
    )
    (row,) = payload["failures"]
    (attempt,) = row["attempts"]
    assert attempt["reason"].startswith("the patch breaks tests that passed: ")
    assert "tests/test_ops.py::test_sub" in attempt["reason"]
    assert not row["queued"] and "gave up after 1 attempt" in row["why"]
    assert not (repo / ".heal/repairs.json").exists()
    assert (repo / "calc/ops.py").read_text() == seeded.BUGGY


@pytest.mark.parametrize(
    ("healers", "answer", "said"),
    [
        pytest.param(
            "",
            seeded.EDITS_TEST,
            "tests/test_ops.py is outside writable (calc: the package folders)",
            id="a test, by default",
        ),
        pytest.param(
            'writable = ["."]',
            seeded.EDITS_TEST,
            "tests/test_ops.py is a test, and writable names no tests",
            id="a test, the whole project writable",
        ),
        pytest.param(
            'writable = ["calc/__init__.py"]',
            seeded.GOOD,
            "calc/ops.py is outside writable (calc/__init__.py)",
            id="outside the configured writable",
        ),
        pytest.param(
            "",
            seeded.reply("../elsewhere.py", "x = 1\n", "x = 2\n"),
            "../elsewhere.py is outside the project",
            id="outside the project",
        ),
    ],
)
def test_a_patch_outside_writable_is_rejected(
    tmp_path: Path, healers: str, answer: str, said: str
) -> None:
    repo, _server, payload = _round(
        tmp_path, [answer], healers + "\n[tool.healers.repair]\nmax-attempts = 1"
    )
    (row,) = payload["failures"]
    assert said in row["attempts"][0]["reason"]
    assert row["suite_runs"] == 0 and not row["queued"]
    assert (repo / "tests/test_ops.py").read_text() == seeded.TESTS


def test_a_test_may_change_when_writable_names_the_tests(tmp_path: Path) -> None:
    repo, _server, payload = _round(tmp_path, [seeded.EDITS_TEST], 'writable = ["calc", "tests"]')
    (row,) = payload["failures"]
    assert row["queued"] and row["files"] == ["tests/test_ops.py"]
    assert "touches tests/test_ops.py" in heal(repo, "pending").out


def test_three_wrong_patches_give_up_after_max_attempts_with_each_failure_fed_back(
    tmp_path: Path,
) -> None:
    _repo, server, payload = _round(tmp_path, [seeded.WRONG])
    (row,) = payload["failures"]
    assert [a["attempt"] for a in row["attempts"]] == [1, 2, 3]
    assert all("test_add still fails: assert 6 == 5" in a["reason"] for a in row["attempts"])
    assert row["why"] == "gave up after 3 attempt(s) (max-attempts)"
    assert payload["requests"] == 3 and payload["suite_runs"] == 4
    fed_back = server.requests[-1]["messages"]
    assert len(fed_back) == 6 and "assert 6 == 5" in fed_back[-1]["content"]


def test_without_a_model_the_failures_are_still_reported(tmp_path: Path) -> None:
    repo = seeded.make(tmp_path / "p")
    done = heal(repo, "repair")
    assert done.code == 1, done.err
    assert f"FAIL {seeded.FAILING}: assert -1 == 5" in done.out
    assert "no model is configured" in done.out
    assert not (repo / ".heal/repairs.json").exists()


def test_commit_puts_the_repair_on_its_own_branch_never_the_current_one(tmp_path: Path) -> None:
    with Server(_in_order([Reply(seeded.GOOD)])) as server:
        repo = seeded.make(tmp_path / "p", server.url)
        head = git(repo, "rev-parse", "HEAD").strip()
        current = git(repo, "branch", "--show-current").strip()
        payload = _repair(repo, "--commit")
    entry = payload["failures"][0]["queued"]
    branch = f"heal/repair-{entry}"
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert git(repo, "branch", "--show-current").strip() == current
    assert git(repo, "status", "--porcelain").strip() == ""
    assert (repo / "calc/ops.py").read_text() == seeded.BUGGY
    assert git(repo, "show", f"{branch}:calc/ops.py") == seeded.FIXED
    assert git(repo, "rev-parse", f"{branch}~1").strip() == head
    assert git(repo, "diff", "--name-only", head, branch).split() == ["calc/ops.py"]
    assert any(branch in note for note in payload["notes"])
    assert f"committed on branch {branch}" in heal(repo, "pending").out


def test_a_rejected_repair_is_not_asked_for_again_for_the_same_code(tmp_path: Path) -> None:
    with Server(_in_order([Reply(seeded.GOOD)])) as server:
        repo = seeded.make(tmp_path / "p", server.url)
        entry = _repair(repo)["failures"][0]["queued"]
        assert heal(repo, "reject", entry, "--reason", "fix it by hand").code == 0
        again = _repair(repo)
    assert len(server.requests) == 1
    assert "rejected the repair" in again["failures"][0]["why"]
    assert "fix it by hand" in again["failures"][0]["why"]


def test_another_test_command_is_one_failure_with_its_output(tmp_path: Path) -> None:
    with Server(_in_order([Reply(seeded.GOOD)])) as server:
        repo = seeded.make(tmp_path / "p", server.url)
        (repo / "check.py").write_text(
            "from calc.ops import add\nassert add(2, 3) == 5, add(2, 3)\n"
        )
        payload = _repair(repo, "--test-cmd", "python check.py")
    (row,) = payload["failures"]
    assert row["test"] == "python check.py" and "exited 1" in row["message"]
    assert "AssertionError: -1" in server.requests[0]["messages"][1]["content"]
    assert (
        row["queued"]
        and "`python check.py` passes with the patch" in row["attempts"][0]["checks"][-1]
    )


def test_a_green_suite_exits_0_and_asks_nothing(tmp_path: Path) -> None:
    with Server(_in_order([Reply(seeded.GOOD)])) as server:
        repo = seeded.make(tmp_path / "p", server.url)
        (repo / "calc/ops.py").write_text(seeded.FIXED)
        done = heal(repo, "repair")
    assert done.code == 0, done.err
    assert "0 failed, 4 passed" in done.out and not server.requests


def test_untrusted_is_refused(tmp_path: Path) -> None:
    repo = seeded.make(tmp_path / "p")
    done = heal(repo, "repair", "--untrusted")
    assert done.code == 2
    assert "heal repair runs the project's tests: not with --untrusted" in done.err
    assert not (repo / ".pytest_cache").exists()


def test_a_repair_whose_file_changed_is_void_and_commit_skips_uncommitted_files(
    tmp_path: Path,
) -> None:
    with Server(_in_order([Reply(seeded.GOOD)])) as server:
        repo = seeded.make(tmp_path / "p", server.url)
        edited = seeded.BUGGY + "\n\ndef triple(a):\n    return 3 * a\n"
        (repo / "calc/ops.py").write_text(edited)  # not committed: HEAD differs from the tree
        payload = _repair(repo, "--commit")
    entry = payload["failures"][0]["queued"]
    assert f"{entry}: not committed: calc/ops.py differs from HEAD" in " ".join(payload["notes"])
    assert f"heal/repair-{entry}" not in git(repo, "branch", "--list")
    (repo / "calc/ops.py").write_text(edited + "# edited again\n")
    refused = heal(repo, "approve", entry)
    assert refused.code == 1
    assert "the repair no longer holds (calc/ops.py changed since the repair was proven)" in (
        refused.err
    )
    assert (repo / "calc/ops.py").read_text() == edited + "# edited again\n"


def test_heal_stop_cancels_the_request_in_flight_and_writes_nothing(tmp_path: Path) -> None:
    with Server(_in_order([Reply(seeded.GOOD, delay=18)])) as server:  # the client waits 20 s
        repo = seeded.make(tmp_path / "p", server.url)
        proc = start_heal(repo, "repair", "--output-format", "json")
        deadline = time.monotonic() + 120
        while not server.requests and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.requests, proc.communicate()
        asked = time.monotonic()
        assert heal(repo, "stop", "lunch").code == 0
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - asked
    assert proc.returncode == 1, err
    (row,) = json.loads(out)["failures"]
    assert row["why"].startswith("heal is stopped (heal stop at ") and ": lunch)" in row["why"]
    assert row["why"].endswith("; the request in flight was cancelled")
    assert took < 10  # not the 18 s the answer takes
    assert not (repo / ".heal/repairs.json").exists()
