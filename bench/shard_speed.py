"""heal --scan in 1, 2, 4 and 8 shards, run one after another on this machine, against one
unsharded run: per-shard time, the merge's time, and whether the merge equals the single run.
What a runner matrix of N machines gives is read off: wall time ~ the slowest shard + merge.

    python bench/shard_speed.py                         # 20,000 files, ~2.1M lines
    python bench/shard_speed.py --files 2000 --blocks 1 --shards 1,4
    python bench/shard_speed.py --chain                 # every module's closure: its package

It also times mypy alone on each shard's files (heal's mypy arguments, a fresh cache) and counts
the shard's import closure, because mypy follows imports: its share of a shard is the closure's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from healers import shard  # noqa: E402 - after the path is set
from healers.imports.cycles import import_edges, module_names  # noqa: E402
from healers.tools import mypy  # noqa: E402
from tests import synthetic  # noqa: E402

HEAL = str(Path(sys.executable).with_name("heal"))


def make(files: int, blocks: int, chain: bool) -> Path:
    root = HERE / ".work" / f"shard-{files}-{blocks}{'-chain' if chain else ''}"
    if not (root / ".git").is_dir():
        shutil.rmtree(root, ignore_errors=True)
        synthetic.generate(root, files=files, blocks=blocks, chain=chain)
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "generated"]):
            subprocess.run(
                ["git", "-c", "user.name=b", "-c", "user.email=b@b", *args], cwd=root, check=True
            )
    return root


CPU: dict[str, float] = {}  # the CPU seconds of each timed run (its processes'), by label


def timed(args: list[str], cwd: Path, label: str = "") -> float:
    """Wall seconds of one cold run; its CPU seconds (user + system of every process it ran)
    go to CPU[label], since the machine is shared and wall time follows the load."""
    shutil.rmtree(cwd / ".heal", ignore_errors=True)  # cold: no mypy cache, no history
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1, 3):
        sys.exit(f"{' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[label] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall


def closure(files: list[str], edges: dict[str, set[str]]) -> int:
    seen, todo = set(files), deque(files)
    while todo:
        for nxt in edges.get(todo.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return len(seen)


def graph(root: Path, files: list[str]) -> dict[str, set[str]]:
    sources = {f: (root / f).read_text() for f in files}
    path_of = {name: f for f in files for name in module_names(f, ("",))}
    edges: dict[str, set[str]] = {}
    for edge in import_edges(sources, ("",)):
        if edge.target in path_of:
            edges.setdefault(edge.path, set()).add(path_of[edge.target])
    return edges


def mypy_alone(root: Path, files: list[str]) -> float:
    cache = root / ".heal-bench-mypy"
    shutil.rmtree(cache, ignore_errors=True)
    args = [sys.executable, "-m", "mypy", *mypy.command(files, config=None, cache_dir=str(cache))]
    start = time.perf_counter()
    subprocess.run(args, cwd=root, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--files", type=int, default=20_000)
    p.add_argument("--blocks", type=int, default=10, help="code blocks per file (~9 lines each)")
    p.add_argument("--shards", default="1,2,4,8")
    p.add_argument("--chain", action="store_true", help="each module imports its predecessor")
    p.add_argument("--no-mypy", action="store_true", help="skip timing mypy alone per shard")
    args = p.parse_args()
    root = make(args.files, args.blocks, args.chain)
    files = sorted(str(f.relative_to(root)) for f in root.rglob("*.py"))
    lines = sum((root / f).read_text().count("\n") for f in files)
    print(f"{len(files)} files, {lines} lines ({'chain' if args.chain else 'star'} imports)")
    out = root.parent / f"{root.name}-reports"
    out.mkdir(exist_ok=True)
    single_json = out / "single.json"
    single = timed(
        [HEAL, "--scan", "--output-format", "json", "--output-file", str(single_json)],
        root,
        "single",
    )
    expected = json.loads(single_json.read_text())
    print(
        f"single run: {single:.1f} s wall, {CPU['single']:.1f} s CPU, "
        f"{expected['summary']['found']} findings (load {os.getloadavg()[0]:.1f})"
    )
    edges = graph(root, files)
    whole_mypy = 0.0 if args.no_mypy else mypy_alone(root, files)
    rows = []
    for count in [int(n) for n in args.shards.split(",")]:
        times, reports, mypys, closures = [], [], [], []
        for k in range(1, count + 1):
            report = out / f"{k}-of-{count}.json"
            times.append(
                timed(
                    [
                        HEAL,
                        "--scan",
                        "--shard",
                        f"{k}/{count}",
                        "--output-format",
                        "json",
                        "--output-file",
                        str(report),
                    ],
                    root,
                )
            )
            reports.append(str(report))
            mine = list(shard.select(files, shard.Shard(k, count)))
            closures.append(closure(mine, edges))
            mypys.append(0.0 if args.no_mypy else mypy_alone(root, mine))
        merged = out / f"merged-{count}.json"
        merge = timed([HEAL, "merge", str(merged), "--format", "json", *reports], root, "merge")
        merge_cpu = CPU["merge"]
        got = json.loads(merged.read_text())
        same = got["findings"] == expected["findings"] and got["summary"] == expected["summary"]
        rows.append((count, times, merge, same, mypys, closures, merge_cpu))
    print(f"\nmypy alone on every file: {whole_mypy:.1f} s\n")
    head = (
        f"{'N':>3} {'per shard (s) min/mean/max':>28} {'sum':>7} {'sum/single':>10} "
        f"{'merge':>6} {'merge/single':>12} {'wall N runners':>14} {'mypy/shard':>10} "
        f"{'closure/shard':>13} {'equal':>5} {'merge CPU/single CPU':>20}"
    )
    print(head)
    for count, times, merge, same, mypys, closures, merge_cpu in rows:
        mean = sum(times) / count
        wall = max(times) + merge
        print(
            f"{count:>3} {min(times):>8.1f} {mean:>8.1f} {max(times):>8.1f} "
            f"{sum(times):>9.1f} {sum(times) / single:>10.2f} {merge:>6.1f} "
            f"{merge / single:>12.1%} {wall:>14.1f} {sum(mypys) / count:>10.1f} "
            f"{sum(closures) / count / len(files):>13.0%} {'yes' if same else 'NO':>5} "
            f"{merge_cpu / CPU['single']:>20.1%}"
        )
    print(f"(load {os.getloadavg()[0]:.1f} at the end)")
    return 0 if all(row[3] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
