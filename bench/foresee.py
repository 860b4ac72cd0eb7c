"""Issue 12, item 7: a report-only run's "fixable" is what `--fix` then fixes, and what planning
it costs. For each project: a report-only run with no cache, one with the cache of the first,
and `--fix` on a fresh copy; the CPU seconds of heal and its children beside the wall time, and
the report's fixable count beside what --fix fixed (by their own fix, gone with the others',
taken back by the re-analysis). With `--base DIR` (an unpacked older heal, `git archive REV`)
the same runs with that heal first, side by side.

    python bench/foresee.py /work/bench-cache/src/rich-13.9.4 DIR/click-8.1.7 --base /tmp/base

Prints figures; not a test. Needs git; the projects as unpacked sdists."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
HEAL = str(Path(sys.executable).with_name("heal"))


def fresh(source: Path, into: Path) -> Path:
    root = into / source.name
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".git", ".heal"))
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "sdist"]):
        subprocess.run([*GIT, *args], cwd=root, check=True)
    return root


def heal(root: Path, base: str, *args: str) -> tuple[dict[str, object], float, float]:
    env = {**os.environ, "PYTHONPATH": base} if base else dict(os.environ)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [HEAL, "--scan", ".", *args, "--output-format", "json"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return json.loads(done.stdout or "{}"), wall, cpu


def row(name: str, what: str, wall: float, cpu: float, note: str) -> None:
    print(f"{name:14} {what:24} wall {wall:6.1f} s  cpu {cpu:6.1f} s  {note}", flush=True)


def one(source: Path, label: str, base: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = fresh(source, Path(tmp))
        report, wall, cpu = heal(root, base)
        fixable = {f["fingerprint"] for f in report["findings"] if f["status"] == "fixable"}
        row(source.name, f"{label} report, no cache", wall, cpu, f"fixable {len(fixable)}")
        _, wall, cpu = heal(root, base)
        row(source.name, f"{label} report, cached", wall, cpu, "")
        shutil.rmtree(root / ".heal")
        done, wall, cpu = heal(root, base, "--fix")
        fixed = [f for f in done["findings"] if f["status"] == "fixed"]
        own = sum(f["fingerprint"] in fixable for f in fixed)
        back = sum(
            f["fingerprint"] in fixable and f["fix"].startswith("rolled back")
            for f in done["findings"]
        )
        note = (
            f"fixed {len(fixed)}: {own} of the report's fixable by their fix, "
            f"{len(fixed) - own} gone with the others'; {back} of the fixable taken back by the "
            f"re-analysis; {len(fixable) - own - back} of the fixable neither"
        )
        row(source.name, f"{label} --fix, no cache", wall, cpu, note)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="+", type=Path)
    parser.add_argument("--base", default="", help="an older heal's source tree, run first")
    args = parser.parse_args()
    print(f"load {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} (1, 5 min)")
    for source in args.projects:
        if args.base:
            one(source, "before", args.base)
        one(source, "after", "")
    print(f"load {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} (1, 5 min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
