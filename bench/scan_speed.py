"""How much faster is `heal --scan` than running ruff, mypy and bandit one after another?

Downloads a pinned sdist from PyPI, unpacks it into bench/.work/ (a throwaway git repository, so
heal lists its files as it would in a real project), then times, in the same run and on the same
files, with cold caches on both sides:

  (a) `heal --scan DIR --output-format json` as a subprocess;
  (b) ruff, mypy and bandit one after another, with the very arguments heal gives them.

Prints figures; it is not a test. Run it with the interpreter that has healers installed:

    /work/venv/bin/python bench/scan_speed.py [--repeat 3] [--package rich==13.9.4] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from healers import config, project
from healers.target import declared as declared_python
from healers.tools import bandit, mypy, ruff

DEFAULT_PACKAGE = "rich==13.9.4"  # 78 .py files, about 26,600 lines, its own [tool.mypy]
WORK = Path(__file__).resolve().parent / ".work"
TOOLS = ("ruff", "mypy", "bandit")
HEAL_OK = (0, 1, 3)  # clean, findings left, a security finding waits for a human
TOOL_OK = {"ruff": (0,), "mypy": (0, 1), "bandit": (0, 1)}  # as heal's engine accepts them


@dataclass
class Target:
    name: str
    version: str
    root: Path
    files: list[str]
    lines: int


@dataclass
class Figures:
    package: str
    version: str
    files: int
    lines: int
    repeat: int
    heal: list[float] = field(default_factory=list)
    heal_exit: list[int] = field(default_factory=list)
    tools: dict[str, list[float]] = field(default_factory=lambda: {t: [] for t in TOOLS})
    tool_exit: dict[str, list[int]] = field(default_factory=lambda: {t: [] for t in TOOLS})
    sequential: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # 1-minute load average before each round
    failures: list[str] = field(default_factory=list)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}


def _heal_command() -> list[str]:
    """The `heal` console script installed next to this interpreter, else `python -m healers`."""
    script = Path(sys.executable).parent / "heal"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "healers"]


def _unpack(archive: Path, into: Path) -> Path:
    """Unpack an sdist afresh as the folder `into` (its single top-level folder, renamed)."""
    shutil.rmtree(into, ignore_errors=True)
    into.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="unpack-", dir=into.parent) as tmp:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(tmp)
        else:
            with tarfile.open(archive) as tarred:
                tarred.extractall(tmp, filter="data")
        tops = list(Path(tmp).iterdir())
        (tops[0] if len(tops) == 1 and tops[0].is_dir() else Path(tmp)).rename(into)
        Path(tmp).mkdir(exist_ok=True)  # renamed away when the sdist had no top-level folder
    return into


def fetch(spec: str, work: Path) -> Target:
    """Download NAME==VERSION's sdist (once), unpack it afresh and `git init` it."""
    name, sep, version = spec.partition("==")
    if not sep or not name or not version:
        raise SystemExit(f"--package wants NAME==VERSION, not {spec!r}")
    downloads = work / "sdist" / f"{name}-{version}"
    archives = sorted(p for p in downloads.glob("*") if p.suffix in (".gz", ".zip", ".bz2"))
    if not archives:
        downloads.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
                *("--no-binary", ":all:", spec, "-d", str(downloads)),
            ],
            check=True,
        )
        archives = sorted(p for p in downloads.glob("*") if p.suffix in (".gz", ".zip", ".bz2"))
    if len(archives) != 1:
        raise SystemExit(f"expected one sdist in {downloads}, found {archives}")
    root = _unpack(archives[0], work / "src" / f"{name}-{version}")
    subprocess.run(["git", "init", "--quiet", str(root)], check=True)
    proj, _ = project.select(
        [],
        scan=str(root),
        cwd=root,
        config_for=lambda r: config.load(r / "pyproject.toml", explicit=False),
    )
    files = list(proj.files)
    lines = sum(len((proj.root / f).read_bytes().splitlines()) for f in files)
    return Target(name, version, proj.root, files, lines)


def _timed(cmd: Sequence[str], cwd: Path, *, capture: bool) -> tuple[float, int, str]:
    """Wall time, exit code and stderr of one subprocess (stdout captured as heal does, or not)."""
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        check=False,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=_env(),
    )
    return time.perf_counter() - start, proc.returncode, proc.stderr


def run_heal(target: Target, figures: Figures) -> None:
    shutil.rmtree(target.root / ".heal", ignore_errors=True)  # heal's mypy cache lives there
    cmd = [*_heal_command(), "--scan", str(target.root), "--output-format", "json"]
    seconds, code, stderr = _timed(cmd, target.root, capture=False)
    figures.heal.append(seconds)
    figures.heal_exit.append(code)
    if code not in HEAL_OK or "Traceback" in stderr:
        figures.failures.append(f"heal exited {code}:\n{stderr.strip()}")


def tool_commands(target: Target, cache_dir: Path) -> dict[str, list[str]]:
    """The three analyzers' command lines, built by heal's own modules as `analyze` builds them."""
    conf = project.tool_config(target.root)
    paths = target.files
    declared = declared_python(target.root)
    oldest = mypy.oldest_python()
    too_old = declared.version is not None and declared.version < oldest
    version = f"{oldest[0]}.{oldest[1]}" if too_old else None  # as heal runs it (trust._pythons)
    args = {
        "ruff": ruff.command(paths, config=conf["ruff"], target=declared.ruff),
        "mypy": mypy.command(
            paths, config=conf["mypy"], cache_dir=str(cache_dir), python_version=version
        ),
        "bandit": bandit.command(paths, config=conf["bandit"]),
    }
    return {tool: [sys.executable, "-m", tool, *a] for tool, a in args.items()}


def run_sequential(target: Target, figures: Figures) -> None:
    with tempfile.TemporaryDirectory(prefix="mypy-cache-", dir=target.root.parent) as cache:
        total = 0.0
        for tool, cmd in tool_commands(target, Path(cache)).items():
            seconds, code, stderr = _timed(cmd, target.root, capture=True)
            figures.tools[tool].append(seconds)
            figures.tool_exit[tool].append(code)
            if code not in TOOL_OK[tool]:
                figures.failures.append(f"{tool} exited {code}:\n{stderr.strip()[-2000:]}")
            total += seconds
        figures.sequential.append(total)


def summary(figures: Figures) -> dict[str, object]:
    def stats(values: Sequence[float]) -> dict[str, float]:
        if not values:
            return {"median": float("nan"), "min": float("nan")}
        return {"median": round(statistics.median(values), 3), "min": round(min(values), 3)}

    overhead = [h - max(figures.tools[t][i] for t in TOOLS) for i, h in enumerate(figures.heal)]
    heal, seq = stats(figures.heal), stats(figures.sequential)
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "versions": {pkg: metadata.version(pkg) for pkg in ("healers", "ruff", "mypy", "bandit")},
        "package": f"{figures.package}=={figures.version}",
        "files": figures.files,
        "lines": figures.lines,
        "repeat": figures.repeat,
        "load_average_1min": [round(x, 2) for x in figures.load],
        "heal": heal,
        "heal_exit_codes": figures.heal_exit,
        "tools": {t: stats(v) for t, v in figures.tools.items()},
        "tool_exit_codes": figures.tool_exit,
        "sequential_sum": seq,
        "ratio_heal_to_sequential": {
            k: round(heal[k] / seq[k], 3) if seq[k] else float("nan") for k in ("median", "min")
        },
        "heal_overhead_beyond_slowest_tool": stats(overhead),
        "raw": {"heal": figures.heal, "sequential": figures.sequential, "tools": figures.tools},
        "failures": figures.failures,
    }


def print_table(result: dict[str, object]) -> None:
    def cell(key: str) -> dict[str, Any]:
        value = result[key]
        assert isinstance(value, dict)
        return value

    tools = cell("tools")
    print(f"package   {result['package']}: {result['files']} files, {result['lines']} lines")
    print(f"machine   {result['machine']}; {result['date']}")
    print(f"versions  {result['versions']}")
    print(f"repeat    {result['repeat']} (order of heal / sequential alternates)")
    print(f"load      {result['load_average_1min']} (1-min load average before each round)")
    print(f"{'':28}{'median s':>10}{'min s':>10}")
    rows = [("heal --scan (concurrent)", cell("heal"))]
    rows += [(f"  {t} alone", tools[t]) for t in TOOLS]
    rows += [("sequential sum", cell("sequential_sum"))]
    rows += [("ratio heal / sequential", cell("ratio_heal_to_sequential"))]
    rows += [("heal - slowest tool", cell("heal_overhead_beyond_slowest_tool"))]
    for label, values in rows:
        print(f"{label:28}{values['median']:>10.3f}{values['min']:>10.3f}")
    print(f"heal exit codes {result['heal_exit_codes']}; tools {result['tool_exit_codes']}")
    load = result["load_average_1min"]
    if isinstance(load, list) and load and max(load) > 1.0:
        print("warning: the machine was busy before some rounds (load > 1): figures are noisy")
    ratio = cell("ratio_heal_to_sequential")["median"]
    print(f"goal ratio <= 0.8: {'met' if ratio <= 0.8 else 'NOT met'} ({ratio:.3f})")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--package", default=DEFAULT_PACKAGE, help=f"NAME==VERSION ({DEFAULT_PACKAGE})")
    p.add_argument("--repeat", type=int, default=3, help="rounds of both measurements (3)")
    p.add_argument("--json", action="store_true", help="also print the figures as JSON")
    p.add_argument("--work-dir", type=Path, default=WORK, help=f"scratch folder ({WORK})")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    target = fetch(args.package, args.work_dir.resolve())
    print(
        f"{target.name} {target.version}: {len(target.files)} files, {target.lines} lines "
        f"in {target.root}",
        flush=True,
    )
    figures = Figures(target.name, target.version, len(target.files), target.lines, args.repeat)
    for round_ in range(args.repeat):
        figures.load.append(os.getloadavg()[0])
        steps = (run_heal, run_sequential) if round_ % 2 == 0 else (run_sequential, run_heal)
        for step in steps:
            step(target, figures)
        tools = ", ".join(f"{t} {figures.tools[t][-1]:.2f}" for t in TOOLS)
        print(
            f"round {round_ + 1}: heal {figures.heal[-1]:.2f} s (exit {figures.heal_exit[-1]}); "
            f"sequential {figures.sequential[-1]:.2f} s ({tools})",
            flush=True,
        )
    result = summary(figures)
    print_table(result)
    for failure in dict.fromkeys(figures.failures):
        print(f"FAILURE: {failure}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    return 1 if figures.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
