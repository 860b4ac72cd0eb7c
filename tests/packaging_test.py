"""The wheel is what pre-commit installs (`pip install .`): it must carry the catalogue."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

REPO = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_catalogue_inside_healers(tmp_path):
    built = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"),
            *("-w", str(tmp_path), str(REPO)),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("healers-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    rule_files = {p.relative_to(REPO).as_posix() for p in (REPO / "rules").rglob("*.toml")}
    assert rule_files, "the repository has no rule files"
    assert {"healers/" + name for name in rule_files} <= names
    assert "healers/rules/__init__.py" in names
    assert not any(n.startswith(("rules/", "tests/", "fixtures/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    # healers.entry checks heal's own dependencies, then runs healers.cli.main (issue 11)
    assert "heal = healers.entry:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
