"""Issue 11, item 5: the repository boundary comes from the scanned paths, never from the
working directory: git's top level, else the nearest folder with pyproject.toml, setup.cfg or
setup.py, else the scanned folder itself. Nothing outside it is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import heal, make_repo

pytestmark = pytest.mark.slow  # heal end to end

FIXABLE = '"""Imports what it never uses."""\n\nimport os\n\nX = 1\n'


def plain_folder(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("marker", [None, "pyproject.toml", "setup.cfg", "setup.py"])
def test_run_from_a_folder_without_git_the_scanned_project_is_the_boundary(
    tmp_path: Path, marker: str | None
) -> None:
    """The old rule made the working directory (here `elsewhere`, standing for `/`) the
    repository: heal wrote through proj/link.py to victim.py and made elsewhere/.heal."""
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    victim = plain_folder(cwd / "victim", {"victim.py": FIXABLE}) / "victim.py"
    files = {"src/app.py": FIXABLE, **({marker: ""} if marker else {})}
    proj = plain_folder(tmp_path / "elsewhere" / "proj", files)
    (proj / "src" / "link.py").symlink_to(victim)
    scanned = proj if marker else proj / "src"
    run = heal(cwd, "--scan", str(scanned), "--fix", "--output-format", "json")
    assert run.code in (0, 1), run.err
    assert victim.read_text(encoding="utf-8") == FIXABLE
    assert not (cwd / ".heal").exists()
    assert (scanned / ".heal").is_dir()
    assert "import os" not in (proj / "src" / "app.py").read_text(encoding="utf-8")
    assert "link.py: not written: symlink points outside the repository" in run.err


def test_the_repository_is_the_git_top_level_of_the_scanned_path(tmp_path: Path) -> None:
    here = make_repo(tmp_path / "here", {"a.py": FIXABLE})
    there = make_repo(tmp_path / "there", {"pkg/b.py": FIXABLE})
    run = heal(here, "--scan", str(there / "pkg"), "--fix")
    assert run.code in (0, 1), run.err
    assert (there / ".heal").is_dir() and not (here / ".heal").exists()
    assert "import os" not in (there / "pkg" / "b.py").read_text(encoding="utf-8")
    assert (here / "a.py").read_text(encoding="utf-8") == FIXABLE


def test_files_of_two_repositories_are_refused(tmp_path: Path) -> None:
    here = make_repo(tmp_path / "here", {"a.py": FIXABLE})
    there = make_repo(tmp_path / "there", {"b.py": FIXABLE})
    run = heal(here, "a.py", str(there / "b.py"), "--fix")
    assert (run.code, run.out) == (2, "")
    assert f"{there / 'b.py'}: outside the repository {here}" in run.err
    assert (there / "b.py").read_text(encoding="utf-8") == FIXABLE


def test_a_file_in_a_linked_folder_belongs_where_the_folder_really_is(tmp_path: Path) -> None:
    """repo/vendor -> ../other (another repository): its files are the other repository's,
    so naming one beside a file of this repository is refused, and `.heal/` is never made
    through the link."""
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE, "pyproject.toml": ""})
    other = make_repo(tmp_path / "other", {"pyproject.toml": "", "b.py": FIXABLE})
    (repo / "vendor").symlink_to(other)
    run = heal(repo, "a.py", "vendor/b.py", "--fix")
    assert run.code == 2, run.err
    assert "vendor/b.py: outside the repository" in run.err
    assert not (other / ".heal").exists()


def test_scan_of_a_folder_link_says_what_it_scanned(tmp_path: Path) -> None:
    other = make_repo(tmp_path / "other", {"b.py": FIXABLE})
    repo = make_repo(tmp_path / "repo", {"a.py": FIXABLE})
    (repo / "linked").symlink_to(other)
    run = heal(repo, "--scan", "linked")
    assert run.code == 1, run.err
    assert f"note: --scan linked: a symbolic link to {other}; scanned {other}" in run.out
    assert "b.py" in run.out and "a.py" not in run.out
