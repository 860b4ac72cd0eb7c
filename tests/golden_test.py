"""The redesign's contract: heal's JSON report of the sample repository, its `--diff`, and the tree
after `--fix --unsafe-fixes`, byte for byte as committed under tests/golden/. A change to any of
them is a change of behaviour: regenerate them (`python -m tests.golden_test`) only when one is
meant, and say so in the commit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.helpers import copy_sample, heal, snapshot

GOLDEN = Path(__file__).parent / "golden"
pytestmark = pytest.mark.slow


def scan_report(work: Path) -> str:
    return heal(copy_sample(work / "scan"), "--scan", ".", "--output-format", "json").out


def diff_output(work: Path) -> str:
    return heal(copy_sample(work / "diff"), "--scan", ".", "--diff").out


def fixed_tree(work: Path) -> str:
    repo = copy_sample(work / "fix")
    heal(repo, "--scan", ".", "--fix", "--unsafe-fixes")
    files = {path: data.decode("utf-8") for path, data in sorted(snapshot(repo).items())}
    return json.dumps(files, indent=2, ensure_ascii=False) + "\n"


MAKERS = {
    "sample_scan.json": scan_report,
    "sample_diff.txt": diff_output,
    "sample_fixed_tree.json": fixed_tree,
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_golden(name: str, tmp_path: Path) -> None:
    expected = (GOLDEN / name).read_bytes().decode("utf-8")
    assert MAKERS[name](tmp_path) == expected, f"{name} differs from tests/golden/{name}"


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, make in MAKERS.items():
            (GOLDEN / name).write_bytes(make(Path(tmp)).encode("utf-8"))
            print(f"wrote tests/golden/{name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
