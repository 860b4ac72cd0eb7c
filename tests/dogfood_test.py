"""Eat our own cooking: this repository passes ruff, ruff format, mypy --strict and heal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

REPO = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_ruff_check_and_format():
    checked = run("-m", "ruff", "check", "--no-cache", ".")
    assert checked.returncode == 0, checked.stdout
    formatted = run("-m", "ruff", "format", "--check", "--no-cache", ".")
    assert formatted.returncode == 0, formatted.stdout


def test_mypy_strict_on_healers(tmp_path):
    typed = run("-m", "mypy", "--strict", "--cache-dir", str(tmp_path), "healers")
    assert typed.returncode == 0, typed.stdout


def test_heal_scan_of_this_repository_is_clean(tmp_path):
    scanned = run("-m", "healers", "--scan", ".", "--output-format", "json")
    assert scanned.returncode == 0, scanned.stdout[-3000:] + scanned.stderr
    report = json.loads(scanned.stdout)
    assert report["findings"] == []
    assert report["summary"]["found"] == 0
