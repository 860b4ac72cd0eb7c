"""Issue 14's targets, every one as a ratio, for one or more heal installations side by side in
one run (a "before" and an "after"), on real sdists from PyPI and two generated projects.

    python bench/engine_speed.py --work-dir /work/bench-cache \\
        --heal after=/work/venv-speed/bin/heal --heal before=/work/venv-speed-base/bin/heal \\
        --package rich==13.9.4 --package werkzeug==3.1.3

Per package and per heal (fresh copy each time, `.heal/` removed for a cold run):
  cold      `heal --scan` / the sequential sum of ruff + mypy + bandit (target <= 1.0) and / the
            slowest of them (aim <= 1.2); the tools get heal's own arguments, a fresh mypy cache
  warm      re-scan of the unchanged copy / cold (<= 0.10); after appending a line to one file
            / cold (<= 0.25)
  fix       `heal --scan --fix` on a fresh copy / that heal's cold scan (<= 2.0)
  hook      `heal FILE FILE FILE` (warm) - the three tools on those files (warm) (<= 0.5 s)
Once per heal: start-up (`python -X importtime -c "import healers.cli"`, <= 150 ms), one 6 MB
generated file (<= 20 s, <= 500 MB, or heal:file-too-large), 2,000 small files cold (<= 10 s).
Each figure is printed with the 1-minute load average when it was taken. Not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from scan_speed import WORK, Target, fetch, tool_commands  # bench/ is on sys.path as a script

HOOK_FILES = 3


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def timed(cmd: Sequence[str], cwd: Path) -> tuple[float, int, int, str, float]:
    """Wall seconds, exit code, peak RSS (MB, the largest process of the tree), stderr and the
    CPU seconds of the whole process tree (steadier than the wall clock on a busy machine)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        err.seek(0)
        said = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, proc.returncode, usage.ru_maxrss // 1024, said, cpu


def _copy(target: Target, into: Path) -> Path:
    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(target.root, into, ignore=shutil.ignore_patterns(".git", ".heal"))
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "bench"],
    ):
        subprocess.run(["git", *args], cwd=into, check=True, capture_output=True)
    return into


def _tools(
    target: Target, root: Path, paths: Sequence[str], cache: Path, cpu: list[float] | None = None
) -> dict[str, float]:
    per_tool = {}
    moved = Target(target.name, target.version, root, list(paths), target.lines)
    for tool, cmd in tool_commands(moved, cache).items():
        took = timed(cmd, root)
        per_tool[tool] = took[0]
        if cpu is not None:
            cpu.append(took[4])
    return per_tool


def package_rows(target: Target, heals: dict[str, list[str]], scratch: Path) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory(dir=scratch) as cache:
        base = _copy(target, scratch / "tools")
        tools_cpu: list[float] = []
        tools = _tools(target, base, target.files, Path(cache), tools_cpu)
    seq, slowest = sum(tools.values()), max(tools.values())
    shown = ", ".join(f"{t} {s:.2f}" for t, s in tools.items())
    rows.append(
        f"{target.name}: tools alone, cold: {shown}; sum {seq:.2f} s, CPU {sum(tools_cpu):.2f} s "
        f"(load {_load()})"
    )
    hook_files = sorted(target.files, key=lambda p: -len((target.root / p).read_bytes()))
    hook_files = hook_files[len(hook_files) // 2 : len(hook_files) // 2 + HOOK_FILES]
    for name, heal in heals.items():
        root = _copy(target, scratch / f"heal-{name}")
        scan = [*heal, "--scan", ".", "--output-format", "json"]
        cold, code, _, err, cold_cpu = timed(scan, root)
        load = _load()
        warm, _, _, _, warm_cpu = timed(scan, root)
        edited = root / hook_files[0]
        edited.write_bytes(edited.read_bytes() + b"\nBENCH_EDIT = 1\n")
        one, _, _, _, one_cpu = timed(scan, root)
        with tempfile.TemporaryDirectory(dir=scratch) as cache:
            _tools(target, root, hook_files, Path(cache))  # warms nothing of heal's: a baseline
            tools_warm = sum(_tools(target, root, hook_files, Path(cache)).values())
        hook = timed([*heal, *hook_files], root)[0]
        fixing = _copy(target, scratch / f"fix-{name}")
        fix, _, _, _, fix_cpu = timed([*scan, "--fix"], fixing)
        rows += [
            f"{target.name} [{name}] cold scan {cold:.2f} s (exit {code}, load {load}): "
            f"{cold / seq:.2f}x the sum (target <= 1.0), {cold / slowest:.2f}x the slowest "
            f"(aim <= 1.2); CPU {cold_cpu:.2f} s",
            f"{target.name} [{name}] warm unchanged {warm:.2f} s = {warm / cold:.1%} of cold "
            f"(<= 10%); one file edited {one:.2f} s = {one / cold:.1%} (<= 25%) (load {_load()}); "
            f"CPU {warm_cpu:.2f} / {one_cpu:.2f} s",
            f"{target.name} [{name}] --fix {fix:.2f} s = {fix / cold:.2f}x its scan (<= 2.0) "
            f"(load {_load()}); CPU {fix_cpu:.2f} s = {fix_cpu / cold_cpu:.2f}x",
            f"{target.name} [{name}] hook on {HOOK_FILES} files {hook:.2f} s, tools warm "
            f"{tools_warm:.2f} s: +{hook - tools_warm:.2f} s (<= 0.5) (load {_load()})",
        ]
        if code not in (0, 1, 3):
            rows.append(f"  heal exited {code}: {err.strip()[-500:]}")
    return rows


def startup(heal: list[str], rounds: int = 5) -> float:
    """The fastest of `rounds` imports of healers.cli (seconds): the first may compile .pyc."""
    python = Path(heal[0]).parent / "python"
    best = float("inf")
    for _ in range(rounds):
        done = subprocess.run(
            [str(python), "-X", "importtime", "-c", "import healers.cli"],
            capture_output=True,
            text=True,
            check=True,
        )
        last = [line for line in done.stderr.splitlines() if line.endswith("healers.cli")][-1]
        best = min(best, int(re.split(r"\s*\|\s*", last)[1]) / 1e6)
    return best


def generated(scratch: Path, name: str, files: dict[str, str]) -> Path:
    root = scratch / name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'gen'\nrequires-python = '>=3.9'\n")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def big_file() -> dict[str, str]:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(190_000))
    return {"gen/__init__.py": "", "gen/big.py": body}  # about 6 MB


def small_files() -> dict[str, str]:
    files = {f"pkg{i // 100}/__init__.py": "" for i in range(0, 2000, 100)}
    for i in range(2000):
        files[f"pkg{i // 100}/m{i}.py"] = (
            f"import os\n\n\ndef f{i}(x: int) -> int:\n    return x + {i}\n"
        )
    return files


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--heal", action="append", default=[], help="NAME=PATH-TO-heal (repeat)")
    p.add_argument("--package", action="append", default=[], help="NAME==VERSION (repeat)")
    p.add_argument("--work-dir", type=Path, default=WORK)
    p.add_argument("--skip-generated", action="store_true")
    args = p.parse_args(argv)
    heals = {n: [path] for n, _, path in (h.partition("=") for h in args.heal)}
    heals = heals or {"this": [str(Path(sys.executable).parent / "heal")]}
    scratch = args.work_dir.resolve() / "engine-speed"
    scratch.mkdir(parents=True, exist_ok=True)
    for name, heal in heals.items():
        print(
            f"[{name}] start-up: import healers.cli {startup(heal) * 1000:.0f} ms (<= 150) "
            f"(load {_load()})",
            flush=True,
        )
    for spec in args.package or ["rich==13.9.4"]:
        target = fetch(spec, args.work_dir.resolve())
        print(f"{spec}: {len(target.files)} files, {target.lines} lines", flush=True)
        for row in package_rows(target, heals, scratch):
            print(row, flush=True)
    if args.skip_generated:
        return 0
    for label, files, limit in (
        ("6 MB file", big_file(), 20.0),
        ("2,000 files", small_files(), 10.0),
    ):
        for name, heal in heals.items():
            root = generated(scratch, f"gen-{name}", files)
            seconds, code, peak, err, cpu = timed(
                [*heal, "--scan", ".", "--output-format", "json"], root
            )
            print(
                f"[{name}] {label}: {seconds:.2f} s (<= {limit:g}), CPU {cpu:.2f} s, "
                f"peak {peak} MB, exit {code} "
                f"(load {_load()})" + ("" if code in (0, 1, 3) else f": {err[-300:]}"),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
