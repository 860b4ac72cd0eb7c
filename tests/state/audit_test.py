"""The audit trail, `heal log` and `heal undo`, through the real CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from healers.state import audit
from tests.helpers import heal, make_repo, snapshot

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

BOM = b"\xef\xbb\xbf"
FILES: dict[str, str | bytes] = {
    "lf.py": "import os\n\nX = 1\n",
    "crlf.py": b"import sys\r\nimport json\r\n\r\nY = 2\r\n",
    "bom.py": BOM + b"import re\n\nZ = '\xc3\xa9'\n",
    "clean.py": "W = 0\n",
}


def records(repo: Path) -> list[dict[str, Any]]:
    lines = (repo / ".heal" / audit.AUDIT).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def healed(tmp_path: Path) -> tuple[Path, dict[str, bytes], str]:
    repo = make_repo(tmp_path / "repo", FILES)
    before = snapshot(repo)
    run = heal(repo, "--scan", "--fix")
    assert run.code == 0, run.out + run.err
    [run_id] = {r["run"] for r in records(repo)}
    return repo, before, run_id


def test_one_record_per_written_file_with_hashes_and_diff(healed):
    repo, before, run_id = healed
    found = {r["path"]: r for r in records(repo)}
    assert set(found) == {"lf.py", "crlf.py", "bom.py"}  # clean.py was not written
    for path, record in found.items():
        after = (repo / path).read_bytes()
        assert after != before[path]
        assert record["sha256_before"] == sha(before[path])
        assert record["sha256_after"] == sha(after)
        assert record["kind"] == "fix"
        assert record["approved_by"] == ""
        assert record["verification"] == {"command": "", "outcome": "not-run", "runs": 0}
        assert record["diff"].startswith(f"--- a/{path}\n+++ b/{path}\n")
        assert "unused-import" in record["rules"]
        assert all(len(f["fingerprint"]) == 16 for f in record["fixes"])
    assert [f["code"] for f in found["crlf.py"]["fixes"]].count("ruff:F401") == 2
    assert run_id[:8].isdigit()


def test_log_shows_runs_and_a_run_with_its_diffs(healed):
    repo, _, run_id = healed
    listed = heal(repo, "log")
    assert listed.code == 0
    assert listed.out.startswith(run_id)
    assert "crlf.py: 3 fix(es) [unsorted-imports, unused-import]" in listed.out
    one = heal(repo, "log", run_id)
    assert "    -import os" in one.out
    [entry] = json.loads(heal(repo, "log", "--output-format", "json").out)
    assert entry["run"] == run_id and len(entry["records"]) == 3
    assert heal(repo, "log", "nope").code == 2


def test_undo_restores_every_file_byte_for_byte_once(healed):
    repo, before, run_id = healed
    undone = heal(repo, "undo")
    assert undone.code == 0, undone.err
    assert snapshot(repo) == before
    assert f"{run_id}: 3 file(s) restored" in undone.out
    undo_records = [r for r in records(repo) if r["kind"] == "undo"]
    assert {r["path"] for r in undo_records} == {"lf.py", "crlf.py", "bom.py"}
    assert {r["undoes"] for r in undo_records} == {run_id}
    assert heal(repo, "undo").out == "heal undo: nothing to undo\n"
    assert "undo of " + run_id in heal(repo, "log").out


def test_undo_leaves_a_file_edited_since_alone_and_names_it(healed):
    repo, before, run_id = healed
    (repo / "lf.py").write_text("X = 'mine now'\n", encoding="utf-8")
    undone = heal(repo, "undo", run_id)
    assert undone.code == 1
    assert "lf.py: edited since heal wrote it; left alone" in undone.err
    assert (repo / "lf.py").read_text(encoding="utf-8") == "X = 'mine now'\n"
    assert (repo / "crlf.py").read_bytes() == before["crlf.py"]
    assert (repo / "bom.py").read_bytes() == before["bom.py"]


def test_undo_of_an_unknown_run_is_an_error(healed):
    repo, before, _ = healed
    run = heal(repo, "undo", "19990101T000000Z-000000")
    assert run.code == 2
    assert "no heal run" in run.err
    assert snapshot(repo) != before


def test_undo_without_the_saved_copy_names_the_file(healed):
    repo, before, _ = healed
    for blob in (repo / ".heal" / audit.BLOBS).iterdir():
        if blob.name == sha(before["lf.py"]):
            blob.write_bytes(b"damaged")
    run = heal(repo, "undo")
    assert run.code == 1
    assert "lf.py: its saved copy" in run.err
    assert (repo / "crlf.py").read_bytes() == before["crlf.py"]


def test_reading_skips_a_line_a_crash_cut_short(tmp_path):
    state = tmp_path / ".heal"
    state.mkdir()
    good = {
        "run": "r1",
        "path": "a.py",
        "kind": "fix",
        "time": "2026-01-01T00:00:00+00:00",
        "sha256_before": "0" * 64,
        "sha256_after": "1" * 64,
    }
    (state / audit.AUDIT).write_text(json.dumps(good) + '\n{"run": "r2", "pa', encoding="utf-8")
    assert audit.read(state) == [good]
    assert audit.read(tmp_path / "missing") == []


def test_log_and_undo_with_no_trail(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": "X = 1\n"})
    assert heal(repo, "log").out.startswith("No runs recorded yet")
    assert heal(repo, "undo").code == 0
