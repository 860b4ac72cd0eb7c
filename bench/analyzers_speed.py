"""heal's own analyzers (all its performance and logic rules, one libcst pass per file) against
Fixit's built-in rules, on the same files of a real sdist, in one run: files per second and the
ratio. Not a test; it prints figures.

Both sides run in this process, one file after another, and both parse every file with libcst:

  heal   analysis.run_rules(path, text, registry.own_table()): what the worker runs per file
  fixit  fixit.api.fixit_bytes(path, bytes, config=...) with the built-in rules (`fixit.rules`),
         per file, as `fixit lint` does (it builds fresh rule objects per file: reusing them
         across files carries violations over, so that would not be a fair shortcut)

It also times heal's worker path (analyze.own_rules: JSON jobs to the worker, one
process, batches of 50), which is how a `heal --scan` runs the rules. Needs `pip install fixit`.

    /work/venvs/NAME/bin/python bench/analyzers_speed.py [--package rich==13.9.4] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata

from scan_speed import WORK, Target, fetch  # bench/ is on sys.path when run as a script

from healers import analysis, registry
from healers.analyze import own_rules

DEFAULT_PACKAGE = "rich==13.9.4"


def fixit_runner(target: Target) -> Callable[[str, bytes], int]:
    """Fixit's per-file API with its default configuration: the violations of one file."""
    from fixit.api import fixit_bytes
    from fixit.config import generate_config

    config = generate_config(target.root / "x.py", target.root)

    def per_file(path: str, data: bytes) -> int:
        found = fixit_bytes(target.root / path, data, config=config)
        return sum(1 for result in found if result.violation is not None)

    return per_file


def heal_rules(path: str, data: bytes) -> int:
    return len(analysis.run_rules(path, data.decode("utf-8"), registry.own_table()))


def timed(run: Callable[[str, bytes], int], files: dict[str, bytes]) -> tuple[float, int, int]:
    """Seconds for all files, findings, files that raised (counted, not fatal: as in heal)."""
    gc.collect()
    counts = []
    start = time.perf_counter()
    for path, data in files.items():
        counts.append(_count(run, path, data))
    seconds = time.perf_counter() - start
    return seconds, sum(c for c in counts if c >= 0), sum(1 for c in counts if c < 0)


def _count(run: Callable[[str, bytes], int], path: str, data: bytes) -> int:
    """Findings of one file, or -1 when the side raised on it (counted, not fatal: as in heal)."""
    try:
        return run(path, data)
    except Exception:
        return -1


def worker_path(files: dict[str, bytes]) -> tuple[float, int, int]:
    texts = [(p, d.decode("utf-8")) for p, d in files.items()]
    start = time.perf_counter()
    found = own_rules(texts, timeout=60.0)
    failed = sum(1 for f in found if f.code == "heal:analysis-failed")
    return time.perf_counter() - start, len(found) - failed, failed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default=DEFAULT_PACKAGE, help="NAME==VERSION from PyPI")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    target = fetch(args.package, WORK)
    files = {p: (target.root / p).read_bytes() for p in target.files if p.endswith(".py")}
    lines = sum(len(d.splitlines()) for d in files.values())
    fixit = fixit_runner(target)
    sides: dict[str, Callable[[], tuple[float, int, int]]] = {
        "heal": lambda: timed(heal_rules, files),
        "fixit": lambda: timed(fixit, files),
        "heal_worker": lambda: worker_path(files),
    }
    runs: dict[str, list[tuple[float, int, int]]] = {name: [] for name in sides}
    loads = []
    for round_ in range(args.repeat):
        loads.append(os.getloadavg()[0])
        order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
        for name in order:
            runs[name].append(sides[name]())
            print(f"round {round_ + 1} {name}: {runs[name][-1][0]:.2f} s", file=sys.stderr)
    best = {name: min(r[0] for r in rs) for name, rs in runs.items()}
    median = {name: statistics.median(r[0] for r in rs) for name, rs in runs.items()}
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "versions": {p: metadata.version(p) for p in ("healers", "libcst", "fixit")},
        "package": args.package,
        "files": len(files),
        "lines": lines,
        "repeat": args.repeat,
        "load_average_1min": [round(x, 2) for x in loads],
        "heal_rules": len(registry.own_rules()),
        "fixit_rules": len(fixit_rule_names()),
        "seconds_median": {k: round(v, 3) for k, v in median.items()},
        "seconds_min": {k: round(v, 3) for k, v in best.items()},
        "files_per_second_median": {k: round(len(files) / v, 1) for k, v in median.items()},
        "findings": {k: rs[0][1] for k, rs in runs.items()},
        "files_failed": {k: rs[0][2] for k, rs in runs.items()},
        "heal_over_fixit_time_median": round(median["heal"] / median["fixit"], 3),
        "heal_worker_over_fixit_time_median": round(median["heal_worker"] / median["fixit"], 3),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['package']}: {len(files)} files, {lines} lines; {report['machine']}")
    print(f"versions {report['versions']}; load {report['load_average_1min']}")
    print(f"rules: heal {report['heal_rules']} checks, fixit {report['fixit_rules']} built-in")
    for name in sides:
        print(
            f"  {name:12s} median {median[name]:7.2f} s  min {best[name]:7.2f} s  "
            f"{len(files) / median[name]:6.1f} files/s  findings {runs[name][0][1]:4d}  "
            f"failed {runs[name][0][2]}"
        )
    print(f"heal / fixit (time, median): {report['heal_over_fixit_time_median']}")
    print(f"heal worker / fixit (time, median): {report['heal_worker_over_fixit_time_median']}")
    return 0


def fixit_rule_names() -> list[str]:
    from fixit.config import collect_rules
    from fixit.ftypes import Config

    return sorted(type(r).__name__ for r in collect_rules(Config()))


if __name__ == "__main__":
    sys.exit(main())
