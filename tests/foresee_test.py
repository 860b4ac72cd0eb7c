"""A report-only run's "fixable" is what `--fix` then fixes (issue 12, item 7): through the real
CLI, with real ruff and mypy, on a file where --fix refuses one fix (it would move a comment)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import heal, make_repo

pytestmark = pytest.mark.slow
PYPROJECT = '[project]\nname = "demo"\nrequires-python = ">=3.10"\n'
# I001 would move the comment away from its import (refused by the review); the two UP006 are
# fixed; UP035 goes with them (gone after the other fixes, not a fix of its own)
SOURCE = (
    "import sys\n# Author: Jane Doe\nimport os\nfrom typing import List\n\nprint(sys, os)\n\n\n"
    "def names(items: List[str]) -> List[str]:\n    return sorted(items)\n"
)


def scan(root: Path, *extra: str) -> dict[str, Any]:
    run = heal(root, "--scan", ".", "--output-format", "json", *extra)
    assert run.code in (0, 1), run.err
    return run.json()


def statuses(payload: dict[str, Any], status: str) -> dict[str, dict[str, Any]]:
    return {f["fingerprint"]: f for f in payload["findings"] if f["status"] == status}


def test_the_fixable_count_of_a_report_is_what_fix_then_writes(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"pyproject.toml": PYPROJECT, "m.py": SOURCE})
    report = scan(root)
    fixable = statuses(report, "fixable")
    assert sorted(f["code"] for f in fixable.values()) == ["ruff:UP006", "ruff:UP006"]
    assert report["summary"]["fixable"] == 2
    (refused,) = [f for f in report["findings"] if f["code"] == "ruff:I001"]
    assert refused["status"] == "unfixable"
    assert "moves the comment `# Author: Jane Doe` (line 2)" in refused["fix"]
    assert (root / "m.py").read_text() == SOURCE  # a report writes nothing
    done = scan(root, "--fix")
    fixed = statuses(done, "fixed")
    written = {fp for fp, f in fixed.items() if fp in fixable and f["fix"] == fixable[fp]["fix"]}
    assert written == set(fixable)  # each fix the report counted, and no other, was written
    gone = {f["code"] for fp, f in fixed.items() if fp not in fixable}
    assert gone == {"ruff:UP035"}  # the import the fixes left unused: not a fix of its own
    (kept,) = [f for f in done["findings"] if f["code"] == "ruff:I001"]
    assert (kept["status"], kept["fix"]) == (refused["status"], refused["fix"])
    assert "import sys\n# Author: Jane Doe\nimport os\n" in (root / "m.py").read_text()


def test_the_text_report_says_what_its_fixable_count_is(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"pyproject.toml": PYPROJECT, "m.py": SOURCE})
    run = heal(root, "--scan", ".")
    assert "2 fixable (run with --fix)" in run.out
    assert (
        "(fixable: the fixes --fix plans now, reviewed and compiled but not yet written;" in run.out
    )
    assert "runs --verify-cmd, and takes back a fix that fails)" in run.out
    fixing = heal(root, "--scan", ".", "--fix").out
    assert "fixable: the fixes --fix plans now" not in fixing
    # the two fixes the report counted, and the import they left unused
    assert "Fixed 3 finding(s) in 1 file(s) (1 of them gone with the others' fixes):" in fixing


def test_a_files_plan_is_kept_under_its_bytes_and_planned_again_when_they_change(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path / "p", {"pyproject.toml": PYPROJECT, "m.py": SOURCE})
    first = scan(root)
    (entry,) = (root / ".heal" / "cache" / "findings" / "plan").glob("*.json")
    record = json.loads(entry.read_text())
    assert record["name"] == "m.py"
    assert set(record["value"]) == {
        f["fingerprint"] for f in first["findings"] if "I001" in f["code"]
    }
    planted = min(statuses(first, "fixable"))
    record["value"][planted] = "planted: read from the cache"
    entry.write_text(json.dumps(record))
    again = scan(root)  # the same bytes: the kept verdict is what the run reports
    assert again["summary"]["fixable"] == 1
    assert statuses(again, "unfixable")[planted]["fix"] == "planted: read from the cache"
    (root / "m.py").write_text(SOURCE + "\n\nVERSION = 1\n")
    changed = scan(root)  # other bytes: planned again
    assert changed["summary"]["fixable"] == 2
    assert not [f for f in changed["findings"] if f["fix"].startswith("planted")]


@pytest.mark.parametrize(
    ("setting", "planned"), [("plan-fixes = 1", False), ("plan-fixes = true", True), ("", True)]
)
def test_more_new_fixes_than_plan_fixes_are_counted_unplanned_and_said_so(
    tmp_path: Path, setting: str, planned: bool
) -> None:
    """A first scan of a big project would cost as much as --fix: over `plan-fixes` (default
    200) new fixes, the count is by rule and a note says how many were not planned."""
    pyproject = PYPROJECT + (f"\n[tool.healers]\n{setting}\n" if setting else "")
    root = make_repo(tmp_path / "p", {"pyproject.toml": pyproject, "m.py": SOURCE})
    run = heal(root, "--scan", ".")
    assert run.code == 1, run.err
    note = "3 fixable finding(s) were not planned: more than plan-fixes = 1 fixes"
    if planned:
        assert "2 fixable (run with --fix)" in run.out and "not planned" not in run.out
    else:  # I001's refusal is not foreseen: the two UP006 and I001 count as fixable
        assert "3 fixable (run with --fix)" in run.out and note in run.out
        assert not (root / ".heal" / "cache" / "findings" / "plan").exists()
