"""The `heal repair` loop's figures on the seeded repository of tests/repair/seeded.py (a package
whose `add` subtracts, a real pytest suite with one test failing because of it): per scripted
model, the attempts, suite runs, requests, wall and CPU time of one `heal repair` run, and what
became of the failure. The model is the scripted local server of tests/llm/server.py: this
measures heal's loop (the suite runs in the scratch copy, the checks), not a model.

    python bench/repair.py            # three scripted models, three runs each (the median)
    python bench/repair.py --runs 5

It prints figures and is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.llm.server import Reply, Server  # noqa: E402 - after the path above
from tests.repair import seeded  # noqa: E402

MODELS = {
    "right at once": [seeded.GOOD],
    "wrong, breaks sub, right": [seeded.WRONG, seeded.BREAKS, seeded.GOOD],
    "wrong three times": [seeded.WRONG],
}


def _script(replies: list[str]) -> Any:
    taken = [0]

    def script(body: dict[str, Any]) -> Reply:
        taken[0] += 1
        return Reply(replies[min(taken[0] - 1, len(replies) - 1)])

    return script


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one(replies: list[str], folder: Path) -> dict[str, Any]:
    with Server(_script(replies)) as server:
        repo = seeded.make(folder, server.url)
        cpu, start = _children_cpu(), time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "healers", "repair", "--output-format", "json"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        wall, cpu = time.monotonic() - start, _children_cpu() - cpu
    payload = json.loads(done.stdout)
    row = payload["failures"][0]
    outcome = f"queued {row['queued'][:8]}" if row["queued"] else row["why"]
    return {
        "attempts": payload["attempts"],
        "suite_runs": payload["suite_runs"],
        "requests": payload["requests"],
        "wall": wall,
        "cpu": cpu,
        "heal_seconds": payload["seconds"],
        "outcome": outcome,
        "baseline": payload["passed"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"load: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    head = f"{'scripted model':<26} {'attempts':>8} {'suite runs':>10} {'requests':>8}"
    print(f"{head} {'wall s':>7} {'CPU s':>6} {'s/suite run':>11}  outcome")
    with tempfile.TemporaryDirectory(prefix="heal-bench-repair-") as tmp:
        for name, replies in MODELS.items():
            runs = [
                one(replies, Path(tmp, f"{name}-{i}".replace(" ", "_"))) for i in range(args.runs)
            ]
            r = runs[0]
            wall = statistics.median(x["wall"] for x in runs)
            cpu = statistics.median(x["cpu"] for x in runs)
            print(
                f"{name:<26} {r['attempts']:>8} {r['suite_runs']:>10} {r['requests']:>8} "
                f"{wall:>7.1f} {cpu:>6.1f} {wall / r['suite_runs']:>11.2f}  {r['outcome']}"
            )
    print(f"load: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
