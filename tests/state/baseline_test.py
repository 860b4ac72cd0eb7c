"""`heal baseline`: today's findings are reported as `baseline` and never fail a run."""

from __future__ import annotations

import json

import pytest

from tests.helpers import commit_all, heal, make_repo, snapshot

LEGACY = {
    "old.py": "import os\nimport yaml\n\n\ndef load(s):\n    return yaml.load(s)\n",
    "other.py": "import sys\n",
}


@pytest.mark.slow
def test_baseline_findings_do_not_fail_the_run_and_are_not_fixed(tmp_path):
    repo = make_repo(tmp_path / "repo", LEGACY)
    assert heal(repo, "--scan").code != 0
    made = heal(repo, "baseline")
    assert made.code == 0, made.err
    saved = json.loads((repo / ".heal/baseline.json").read_text())
    assert list(saved["findings"]) == sorted(saved["findings"])
    assert any("old.py:1 ruff:F401" in d for d in saved["findings"].values())
    before = snapshot(repo)
    run = heal(repo, "--scan", "--fix", "--output-format", "json")
    assert run.code == 0, run.out
    assert {f["status"] for f in run.json()["findings"]} == {"baseline"}
    assert snapshot(repo) == before  # legacy code is left as it is

    (repo / "new.py").write_text("import json\n\nX = 1\n")
    (repo / "old.py").write_text("\n\n" + LEGACY["old.py"] + "import re\n")  # lines shift
    commit_all(repo)
    payload = heal(repo, "--scan", "--output-format", "json")
    assert payload.code == 1
    fresh = [f for f in payload.json()["findings"] if f["status"] != "baseline"]
    assert sorted((f["path"], f["code"], f["line"]) for f in fresh) == [
        ("new.py", "ruff:F401", 1),
        ("old.py", "ruff:E402", 9),  # an import below code
        ("old.py", "ruff:F401", 9),
    ]


def test_a_broken_baseline_is_an_error(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": "X = 1\n"})
    (repo / ".heal").mkdir()
    (repo / ".heal/baseline.json").write_text("[1, 2]")
    run = heal(repo, "--scan")
    assert run.code == 2
    assert "baseline.json: not a heal baseline" in run.err
