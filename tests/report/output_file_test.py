"""Issue 11, item 11: --output-file is written atomically; a link inside the repository is
refused (before the run), an explicit path outside it (the runner's temp folder) is allowed."""

from __future__ import annotations

import json
import os

import pytest

from tests.helpers import heal, make_repo

pytestmark = pytest.mark.slow  # heal end to end

FIXABLE = '"""Imports what it never uses."""\n\nimport os\n\nX = 1\n'
PRECIOUS = b"precious: heal must not touch this\n"


@pytest.mark.parametrize(
    ("link", "points_at", "output"),
    [
        pytest.param("heal.sarif", "outside/target", "heal.sarif", id="the report is a link"),
        pytest.param("reports", "outside", "reports/target", id="a folder above it is a link"),
    ],
)
def test_a_link_inside_the_repository_is_refused_before_the_run(tmp_path, link, points_at, output):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "target").write_bytes(PRECIOUS)
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE}, commit=False)
    (repo / link).symlink_to(tmp_path / points_at)
    args = ("--scan", ".", "--fix", "--output-format", "sarif", "--output-file", output)
    run = heal(repo, *args)
    assert (run.code, run.out) == (2, "")
    assert run.err.count("\n") == 1 and "symbolic link inside the repository" in run.err
    assert (tmp_path / "outside" / "target").read_bytes() == PRECIOUS
    assert sorted(p.name for p in (tmp_path / "outside").iterdir()) == ["target"]
    assert (repo / "app.py").read_text(encoding="utf-8") == FIXABLE  # the run did not start


def test_a_path_outside_the_repository_is_written_atomically(tmp_path):
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    report = runner_temp / "heal.json"
    report.write_bytes(PRECIOUS)
    os.link(report, runner_temp / "other-name")  # written in place, this name would change too
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE})
    run = heal(repo, "--scan", ".", "--output-format", "json", "--output-file", str(report))
    assert run.code == 1, run.err
    assert json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert (runner_temp / "other-name").read_bytes() == PRECIOUS
    assert sorted(p.name for p in runner_temp.iterdir()) == ["heal.json", "other-name"]


def test_a_plain_file_inside_the_repository_is_replaced_keeping_its_mode(tmp_path):
    repo = make_repo(tmp_path / "repo", {"app.py": FIXABLE, "out/heal.sarif": "old\n"})
    (repo / "out" / "heal.sarif").chmod(0o640)
    run = heal(repo, "--scan", ".", "--output-format", "sarif", "--output-file", "out/heal.sarif")
    assert run.code == 1, run.err
    assert json.loads((repo / "out" / "heal.sarif").read_text(encoding="utf-8"))["runs"]
    assert (repo / "out" / "heal.sarif").stat().st_mode & 0o777 == 0o640
