"""What the package benchmarks share (type_compare, style_compare, fix_tests): the pinned sdists
and their test commands, unpacking one into a git work tree, running a command or a package's own
test suite, reading heal's JSON report, and the command line that measures each package."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess  # nosec B404 - benchmarks run the tools they compare
import sys
import tarfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SDISTS = Path(os.environ.get("BENCH_CACHE", "/work/bench-cache")) / "sdist"  # shared, kept
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Package:
    spec: str  # NAME==VERSION for pip download
    source: str  # the package's directory inside the sdist
    tests: tuple[str, ...]  # the test command, run in the sdist's root
    pythonpath: str = ""  # a folder to put on PYTHONPATH for the tests (a src layout)


PACKAGES = {
    "markdown": Package("markdown==3.11.3", "markdown", ("-m", "unittest", "discover", "tests")),
    "python-dateutil": Package(
        "python-dateutil==4.0.0",
        "src/dateutil",
        ("-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "tests"),
        pythonpath="src",
    ),
    "boltons": Package(
        "boltons==26.2.0",
        "boltons",
        ("-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "tests"),
    ),
    "sqlparse": Package(
        "sqlparse==0.6.1",
        "sqlparse",
        ("-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "tests"),
    ),
    "toolz": Package(
        "toolz==1.2.0",
        "toolz",
        ("-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "toolz"),
    ),
}


def run(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, check=False, env=env, timeout=1800
    )
    return proc.stdout + proc.stderr


def unpack(pkg: Package, name: str, dest: Path) -> Path:
    sdists = SDISTS
    sdists.mkdir(parents=True, exist_ok=True)
    found = [p for p in sdists.iterdir() if p.name.lower().startswith(name.replace("-", "_"))]
    found += [p for p in sdists.iterdir() if p.name.lower().startswith(name)]
    if not found:
        cmd = ["-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", pkg.spec]
        run([sys.executable, *cmd, "-d", str(sdists)], cwd=sdists)
        return unpack(pkg, name, dest)
    with tarfile.open(found[0]) as tar:
        top = tar.getnames()[0].split("/")[0]
        shutil.rmtree(dest, ignore_errors=True)
        tar.extractall(dest.parent / "unpack", filter="data")
    shutil.move(dest.parent / "unpack" / top, dest)
    run(["git", "init", "-q"], cwd=dest)  # heal lists a project's files with git
    return dest


def tests(pkg: Package, root: Path) -> tuple[str, set[str]]:
    env = {**os.environ, "PYTHONPATH": str(root / pkg.pythonpath)} if pkg.pythonpath else None
    out = run([sys.executable, *pkg.tests], cwd=root, env=env)
    failed = set(re.findall(r"^(?:FAILED|ERROR) (\S+)", out, re.M))
    failed |= set(re.findall(r"^(?:FAIL|ERROR): (.+)$", out, re.M))
    summary = re.findall(r"^(?:=+ )?(\d+ (?:passed|failed).*?) in [\d.]+s", out, re.M)
    ran = re.findall(r"^Ran (\d+) tests?.*\n\n(.+)$", out, re.M)
    text = summary[-1] if summary else (f"{ran[-1][0]} ran, {ran[-1][1]}" if ran else "?")
    return text, failed


def heal_report(out: str, where: str) -> dict[str, Any]:
    """heal's JSON report in its output (after any notes), or stop with heal's own output."""
    if "{" not in out:  # heal stopped with an error: say which, and do not guess a count
        raise SystemExit(f"heal in {where} printed no report:\n{out[-2000:]}")
    report: dict[str, Any] = json.loads(out[out.index("{") : out.rindex("}") + 1])
    return report


def main(
    doc: str | None,
    work: Path,
    measure: Callable[[str], Any],
    table: Callable[[Sequence[Any]], str],
    argv: Sequence[str] | None = None,
) -> int:
    """`--package NAME` (repeatable, default all) and `--json`: measure each, print the rows."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--package", action="append", choices=sorted(PACKAGES))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    work.mkdir(parents=True, exist_ok=True)
    rows = [measure(name) for name in args.package or PACKAGES]
    print(json.dumps([asdict(r) for r in rows], indent=2) if args.json else table(rows))
    return 0
