"""heal pr-plan and heal pr-body: the pull request policy, tested without GitHub on a report and
on pull requests as `gh pr list --json` prints them."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

from healers import prbody, pullrequests
from tests.helpers import heal, make_repo

NOW = datetime(2026, 12, 2, tzinfo=timezone.utc)


def finding(category: str, status: str, **kw: object) -> dict[str, object]:
    base = {
        "fingerprint": f"{category[:4]}{status[:4]}00000000"[:16],
        "rule": "unused-import",
        "code": "ruff:F401",
        "category": category,
        "path": "app.py",
        "line": 3,
        "status": status,
        "fix": "ruff: Remove unused import",
    }
    return {**base, **kw}


REPORT: dict[str, Any] = {
    "findings": [
        finding("import", "fixed"),
        finding("style", "fixed", rule="trailing-whitespace", code="ruff:W291"),
        finding("security", "needs-approval", rule="unsafe-yaml-load", code="bandit:B506"),
        finding(
            "logic",
            "fixable",
            rule="mutable-default-argument",
            code="heal:mutable-default-argument",
        ),
    ],
    "notes": [],
    "verify_runs": 2,
}


def pr(number: int, branch: str, state: str, created: str, **kw: object) -> dict[str, object]:
    return {
        "number": number,
        "headRefName": branch,
        "state": state,
        "createdAt": created,
        "labels": [],
        **kw,
    }


def actions(prs: list[dict[str, object]], **kw: object) -> dict[str, tuple[str, object]]:
    plan = pullrequests.plan(REPORT, prs, now=NOW, **kw)  # type: ignore[arg-type]
    return {s["category"]: (s["action"], s["number"]) for s in plan["steps"]}


def test_one_pull_request_per_category_opened_then_updated_in_place():
    assert actions([]) == {
        "style": ("open", None),
        "import": ("open", None),
        "type": ("none", None),
        "performance": ("none", None),
        "security": ("none", None),  # its only finding needs approval: the draft's
        "decisions": ("open", None),
    }
    young = [pr(7, "heal/import", "OPEN", "2026-11-30T03:17:00Z")]
    assert actions(young)["import"] == ("update", 7)


def test_left_unmerged_it_is_closed_and_the_category_rests():
    old = [pr(5, "heal/style", "OPEN", "2026-11-10T03:17:00Z")]
    assert actions(old)["style"] == ("close", 5)
    assert actions(old, close_after_days=30)["style"] == ("update", 5)
    closed = [
        pr(5, "heal/style", "CLOSED", "2026-11-10T03:17:00Z", closedAt="2026-11-24T03:17:00Z")
    ]
    assert actions(closed)["style"][0] == "skip"
    rested = [
        pr(5, "heal/style", "CLOSED", "2026-10-01T03:17:00Z", closedAt="2026-10-15T03:17:00Z")
    ]
    assert actions(rested)["style"] == ("open", None)


def test_the_draft_of_decisions_is_never_closed_for_age():
    old = [pr(9, "heal/decisions", "OPEN", "2026-09-01T03:17:00Z")]
    assert actions(old)["decisions"] == ("update", 9)


def test_heal_stop_skips_the_category_on_every_next_run():
    stopped = [
        pr(
            3,
            "heal/import",
            "CLOSED",
            "2026-06-01T00:00:00Z",
            closedAt="2026-06-02T00:00:00Z",
            labels=[{"name": "heal:stop"}],
        )
    ]
    assert actions(stopped)["import"][0] == "skip"
    assert actions(stopped)["style"] == ("open", None)


def test_at_most_one_run_a_week():
    plan = pullrequests.plan(
        REPORT, [], now=NOW, last_run=datetime(2026, 11, 30, tzinfo=timezone.utc)
    )
    assert plan["run"] is False
    assert {s["action"] for s in plan["steps"]} == {"skip"}
    later = pullrequests.plan(
        REPORT, [], now=NOW, last_run=datetime(2026, 11, 24, tzinfo=timezone.utc)
    )
    assert later["run"] is True


def test_the_body_lists_every_fix_the_checks_and_the_stop_line():
    text = prbody.body(REPORT, "import", verify_cmd="pytest -q", docs_base="https://h/o/r/blob/c")
    ruff_doc = "[`unused-import`](https://docs.astral.sh/ruff/rules/unused-import/)"
    assert f"| `app.py` | 3 | {ruff_doc} |" in text
    own = prbody.doc_link("import-cycle", "heal:import-cycle", "https://h/o/r/blob/c")
    assert own == "[`import-cycle`](https://h/o/r/blob/c/docs/rules/import/import-cycle.md)"
    assert "`ruff:F401`" in text
    assert "`pytest -q` ran 2 time(s) and passed" in text
    assert "### Rolled back" in text and "Nothing: every fix kept" in text
    assert "2 finding(s) wait for a decision" in text and "heal pending" in text
    assert "`heal:stop`" in text
    assert "trailing-whitespace" not in text  # one kind of fix per pull request


def test_the_body_says_what_was_rolled_back_and_why():
    report = {**REPORT, "notes": ["app.py: --verify-cmd failed: 1 fix(es) rolled back"]}
    report["findings"] = [
        *REPORT["findings"],
        finding("import", "unfixable", line=9, fix="rolled back: --verify-cmd failed with it"),
    ]
    text = prbody.body(report, "import")
    assert "--verify-cmd failed: 1 fix(es) rolled back" in text
    assert "`app.py:9` `unused-import`: rolled back" in text
    assert "No verify command is configured" in text


def test_the_draft_lists_the_approve_commands():
    text = prbody.body(REPORT, "decisions")
    assert "heal approve secuneed00000000" in text and "heal approve logifixa00000000" in text
    assert "never merges it" in text


@pytest.fixture
def files(tmp_path):
    repo = make_repo(tmp_path / "repo", {"app.py": "X = 1\n"})
    (tmp_path / "report.json").write_text(json.dumps(REPORT))
    (tmp_path / "prs.json").write_text(
        json.dumps([pr(7, "heal/import", "OPEN", "2026-11-30T03:17:00Z")])
    )
    return repo, tmp_path


def test_the_commands_print_the_plan_and_the_body(files):
    repo, where = files
    one = heal(
        repo,
        "pr-plan",
        str(where / "report.json"),
        "--prs",
        str(where / "prs.json"),
        "--now",
        "2026-12-02T00:00:00Z",
        "--category",
        "import",
    )
    assert (one.code, one.out) == (0, "update 7\n"), one.err
    whole = heal(
        repo,
        "pr-plan",
        str(where / "report.json"),
        "--prs",
        str(where / "prs.json"),
        "--now",
        "2026-12-02T00:00:00Z",
    )
    assert json.loads(whole.out)["run"] is True
    body = heal(
        repo, "pr-body", str(where / "report.json"), "--category", "style", "--docs-url", ""
    )
    assert body.code == 0 and "## heal: style fixes" in body.out


def test_the_commands_refuse_bad_input_in_one_line(files):
    repo, where = files
    (where / "bad.json").write_text("{")
    for args in (
        ["pr-plan", str(where / "bad.json"), "--prs", str(where / "prs.json")],
        ["pr-plan", str(where / "report.json"), "--prs", str(where / "prs.json"), "--now", "soon"],
        ["pr-body", str(where / "missing.json"), "--category", "style"],
    ):
        run = heal(repo, *args)
        assert run.code == 2, args
        assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err
