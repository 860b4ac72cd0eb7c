"""Do the benchmark packages' own test suites still pass after heal fixes them, with every healer?

For each package of type_compare.py (the same pinned sdists, from /work/bench-cache/sdist), three
copies of the unpacked sdist under bench/.work/fixtests/:

  before   the sdist as published;
  fix      after `heal --scan PKGDIR --fix` (heal's default selection, every healer, safe fixes);
  unsafe   after `heal --scan PKGDIR --fix --unsafe-fixes`.

Fixes that need approval stay pending in both (nobody approves them here). Printed per package:
the findings heal reported before, how many each run fixed (from its JSON report), and the
package's own test suite (offline) on each copy, with the tests that fail after a run but not
before. A test that fails after a run but not before is run again alone on the same tree; one
that passes then (a timing test on a loaded machine) is listed as flaky, not as broken. Zero
regressions means no "new failures" in either column. Prints a table; it is not a test.

    python bench/fix_tests.py [--package boltons] [--json]
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common
from common import BIN, PACKAGES, Package, heal_report, run, tests, unpack

WORK = Path(__file__).resolve().parent / ".work" / "fixtests"


@dataclass(frozen=True)
class Row:
    package: str
    found: int  # findings heal reports on the sdist as published
    fixed: int  # by --fix
    fixed_unsafe: int  # by --fix --unsafe-fixes
    changed: int  # files --fix changed
    changed_unsafe: int
    tests_before: str
    tests_fix: str
    tests_unsafe: str
    broken_fix: list[str]  # tests failing after --fix that passed before
    broken_unsafe: list[str]
    flaky: list[str]  # failed after a run, passed when run again alone on the same tree


def rerun(pkg: Package, root: Path, failed: set[str]) -> tuple[set[str], set[str]]:
    """Run each newly failing pytest test again alone: (still failing, passed the second time)."""
    env = {**os.environ, "PYTHONPATH": str(root / pkg.pythonpath)} if pkg.pythonpath else None
    passed = set()
    for test in sorted(t for t in failed if "::" in t):
        out = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test], root, env)
        if re.search(r"^\d+ passed", out, re.M) and "failed" not in out:
            passed.add(test)
    return failed - passed, passed


def heal(root: Path, source: str, *extra: str) -> dict[str, Any]:
    args = [str(BIN / "heal"), "--scan", source, *extra, "--output-format", "json"]
    return heal_report(run(args, cwd=root), f"{root} ({' '.join(extra)})")


def measure(name: str) -> Row:
    pkg = PACKAGES[name]
    trees = {
        kind: unpack(pkg, name, WORK / f"{name}-{kind}") for kind in ("before", "fix", "unsafe")
    }
    scan = heal(trees["before"], pkg.source)
    fix = heal(trees["fix"], pkg.source, "--fix")
    unsafe = heal(trees["unsafe"], pkg.source, "--fix", "--unsafe-fixes")
    tests_before, failed_before = tests(pkg, trees["before"])
    tests_fix, failed_fix = tests(pkg, trees["fix"])
    tests_unsafe, failed_unsafe = tests(pkg, trees["unsafe"])
    broken_fix, flaky_fix = rerun(pkg, trees["fix"], failed_fix - failed_before)
    broken_unsafe, flaky_unsafe = rerun(pkg, trees["unsafe"], failed_unsafe - failed_before)
    return Row(
        package=pkg.spec,
        found=scan["summary"]["found"],
        fixed=fix["summary"]["fixed"],
        fixed_unsafe=unsafe["summary"]["fixed"],
        changed=len(fix["changed_files"]),
        changed_unsafe=len(unsafe["changed_files"]),
        tests_before=tests_before,
        tests_fix=tests_fix,
        tests_unsafe=tests_unsafe,
        broken_fix=sorted(broken_fix),
        broken_unsafe=sorted(broken_unsafe),
        flaky=sorted(flaky_fix | flaky_unsafe),
    )


def verdict(before: str, after: str, broken: list[str]) -> str:
    if broken:
        return f"**{len(broken)} new failures**"
    return "same" if after == before else "same failures after a rerun"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| package | heal findings | fixed by --fix (files) | by --fix --unsafe-fixes (files)"
        " | own tests before | after --fix | after --fix --unsafe-fixes |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    lines += [
        f"| {r.package} | {r.found} | {r.fixed} ({r.changed}) | {r.fixed_unsafe}"
        f" ({r.changed_unsafe}) | {r.tests_before} | {r.tests_fix}"
        f" ({verdict(r.tests_before, r.tests_fix, r.broken_fix)}) | {r.tests_unsafe}"
        f" ({verdict(r.tests_before, r.tests_unsafe, r.broken_unsafe)}) |"
        for r in rows
    ]
    for r in rows:
        for kind, broken in (("--fix", r.broken_fix), ("--unsafe-fixes", r.broken_unsafe)):
            if broken:
                lines.append(f"- {r.package} after {kind}: {', '.join(broken[:10])}")
        if r.flaky:
            lines.append(
                f"- {r.package}: failed once, passed alone on a rerun: {', '.join(r.flaky)}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return common.main(__doc__, WORK, measure, table, argv)


if __name__ == "__main__":
    raise SystemExit(main())
