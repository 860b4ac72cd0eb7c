"""What does `--verify-cmd` cost? `heal --fix` with and without verification on a real project.

Downloads a pinned pure-Python sdist whose own test suite runs offline (boltons by default), and
times, on fresh copies of it:

  (a) one run of the project's test suite (the verify command, on the untouched code);
  (b) `heal --scan --fix`;
  (c) `heal --scan --fix --verify-cmd TESTS`: the suite before any fix, then after each pass;
  (d) the same on a copy where one added test depends on a name an "unused" import re-exports
      (`from boltons.iterutils import codecs`), so one fix breaks the suite and must be found by
      bisection and rolled back (ruff's import sorting overlaps it, so it comes in pass 2);
  (e) the same with an added test that relies on the order of `boltons.dictutils.__all__`, which
      ruff's RUF022 sorts in pass 1: the culprit hides among every fix of the first pass.

The verify command is wrapped in a counter, so the number of test-suite runs is measured
independently of heal; heal's own count (from .heal/audit.jsonl) is printed beside it. Bisection
should cost about log2(rules) + log2(files) + log2(fixes) + 1 runs, not one per fix.

Prints figures; it is not a test. Run it with the interpreter that has healers installed:

    /work/venvs/NAME/bin/python bench/verify_overhead.py [--package boltons==25.0.0] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_speed import WORK, Target, _heal_command, fetch

DEFAULT_PACKAGE = "boltons==25.0.0"  # 64 .py files, 423 pytest tests, pure Python, offline
# boltons' conftest.py uses a hook argument pytest 9 removed; -x stops a failing run early
TESTS = "{python} -m pytest -q -x -p no:cacheprovider --noconftest tests"
PLANTED = {
    "re-export": '''"""Added by bench/verify_overhead.py: uses `codecs` from boltons.iterutils."""

from boltons.iterutils import codecs


def test_codecs_is_reachable_through_iterutils():
    assert codecs.lookup("utf-8").name == "utf-8"
''',
    "order": '''"""Added by bench/verify_overhead.py: relies on the documented order of __all__."""

from boltons import dictutils


def test_dictutils_exports_in_documented_order():
    assert dictutils.__all__[:2] == ["MultiDict", "OMD"]
''',
}
SUMMARY = re.compile(
    r"this pass's (\d+) fix\(es\) of (\d+) rule\(s\) in (\d+) file\(s\); (\d+) run\(s\) isolated"
)
COUNTER = """import subprocess, sys
with open(sys.argv[1], "a") as log:
    log.write("run\\n")
raise SystemExit(subprocess.run(sys.argv[2], shell=True).returncode)
"""


def timed(cmd: Sequence[str], cwd: Path) -> tuple[float, int, str, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return time.perf_counter() - start, proc.returncode, proc.stdout, proc.stderr


def fresh(spec: str, *, plant: str = "") -> Target:
    target = fetch(spec, WORK)
    if plant:
        (target.root / "tests" / "test_heal_planted.py").write_text(PLANTED[plant], "utf-8")
    return target


def audit(root: Path) -> list[dict[str, Any]]:
    path = root / ".heal" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def heal_fix(root: Path, tests: str, *, verify: bool, work: Path) -> dict[str, Any]:
    log = work / "verify-runs.log"
    log.unlink(missing_ok=True)
    counted = f"{shlex.quote(sys.executable)} {shlex.quote(str(work / 'counter.py'))} "
    counted += f"{shlex.quote(str(log))} {shlex.quote(tests)}"
    cmd = [*_heal_command(), "--scan", ".", "--fix", "--output-format", "json"]
    cmd += ["--verify-cmd", counted] if verify else []
    seconds, code, output, errors = timed(cmd, root)
    records = audit(root)
    fixes = [f for r in records for f in r["fixes"]]
    rolled = [f for r in records for f in r["rolled_back"]]
    after, after_code, _, _ = timed(shlex.split(tests), root)
    try:
        notes = json.loads(output)["notes"]
    except ValueError:
        notes = []
    bisected = [SUMMARY.search(n) for n in notes]
    return {
        "seconds": round(seconds, 2),
        "exit": code,
        "verify_runs": len(log.read_text().splitlines()) if log.exists() else 0,
        "verify_runs_heal": records[0]["verification"]["runs"] if records else 0,
        "files": len(records),
        "fixes_kept": len(fixes),
        "rules": len({f["rule"] for f in fixes + rolled}),
        "rolled_back": [
            f"{r['path']}:{f['line']} {f['code']} {f['message']}"
            for r in records
            for f in r["rolled_back"]
        ],
        "tests_after": "pass" if after_code == 0 else f"FAIL (exit {after_code})",
        "tests_after_seconds": round(after, 2),
        # (fixes, rules, files, runs) of each pass whose verification failed
        "bisected": [tuple(int(g) for g in m.groups()) for m in bisected if m],
        "failure": "" if code in (0, 1, 3) and "internal error" not in errors else errors[-3000:],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default=DEFAULT_PACKAGE)
    parser.add_argument("--tests", default=TESTS, help="the verify command ({python} = this one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    tests = args.tests.format(python=shlex.quote(sys.executable))
    work = WORK / "verify"
    work.mkdir(parents=True, exist_ok=True)
    (work / "counter.py").write_text(COUNTER, encoding="utf-8")

    target = fresh(args.package)
    suites = []
    for _ in range(3):  # the first run also compiles every module to bytecode: cold
        suite, suite_code, suite_out, _ = timed(shlex.split(tests), target.root)
        if suite_code != 0:
            print(f"the test suite fails on the untouched code:\n{suite_out[-3000:]}")
            return 1
        suites.append(suite)
    figures: dict[str, Any] = {
        "package": args.package,
        "files": len(target.files),
        "lines": target.lines,
        "tests": tests,
        "load_before": round(os.getloadavg()[0], 2),
        "test_suite_cold_seconds": round(suites[0], 2),
        "test_suite_seconds": round(statistics.median(suites[1:]), 2),  # warm, as heal runs it
    }
    figures["fix"] = heal_fix(target.root, tests, verify=False, work=work)
    target = fresh(args.package)
    figures["fix_verify"] = heal_fix(target.root, tests, verify=True, work=work)
    for plant in PLANTED:
        target = fresh(args.package, plant=plant)
        figures[f"planted_{plant}"] = heal_fix(target.root, tests, verify=True, work=work)
    figures["load_after"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        report(figures)
    failures = [figures[k]["failure"] for k in RUNS]
    for failure in filter(None, failures):
        print(f"heal failed:\n{failure}")
    return 1 if any(failures) else 0


RUNS = {
    "fix": "heal --scan --fix",
    "fix_verify": "heal --scan --fix --verify-cmd",
    "planted_re-export": "  + a test needs an unused import",
    "planted_order": "  + a test needs __all__'s order",
}


def report(f: dict[str, Any]) -> None:
    suite = f["test_suite_seconds"]
    print(f"{f['package']}: {f['files']} files, {f['lines']} lines; verify command: {f['tests']}")
    print(f"load average {f['load_before']} before, {f['load_after']} after")
    print(f"one test-suite run: {suite:.2f} s warm ({f['test_suite_cold_seconds']:.2f} s cold)")
    for key, title in RUNS.items():
        r = f[key]
        print(
            f"{title:<36} {r['seconds']:7.2f} s  exit {r['exit']}  "
            f"verify runs {r['verify_runs']} (heal says {r['verify_runs_heal']})  "
            f"{r['fixes_kept']} fixes kept in {r['files']} files, {r['rules']} rules; "
            f"tests after: {r['tests_after']}"
        )
        for rolled in r["rolled_back"]:
            print(f"{'':<38}rolled back: {rolled}")
        for fixes, rules, files, runs in r["bisected"]:
            bound = sum(math.ceil(math.log2(n)) for n in (rules, files, fixes)) + 1
            print(
                f"{'':<38}bisection: {runs} runs (the failing one included) for {fixes} fixes "
                f"of {rules} rules in {files} files; log2(rules) = {math.log2(rules):.1f}, "
                f"bound log2 rules+files+fixes + 1 = {bound}"
            )
    extra = f["fix_verify"]["seconds"] - f["fix"]["seconds"]
    print(f"verification overhead, nothing broken: {extra:.2f} s = {extra / suite:.1f} suite runs")


if __name__ == "__main__":
    raise SystemExit(main())
