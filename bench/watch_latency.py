"""`heal watch` latency: save a file with an unused import, time until the fixed file is on disk.

python bench/watch_latency.py [--saves 20]
For heal's default analyzers and for ruff alone, side by side: makes a small git repository in a
temp folder, starts `python -m healers watch` there, saves once to warm the analyzers (mypy's
cache), then saves `--saves` times, each after the previous batch's block, and prints the
median, p90, min and max of save -> fixed, the load, and the watcher's CPU seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BODY = "\n\ndef f{n}(x: int) -> int:\n    return x + {n}\n"


def _repo(folder: Path, analyzers: str) -> Path:
    tools = ", ".join(f'"{a}"' for a in analyzers.split(",") if a)
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "bench"\nrequires-python = ">=3.10"\n\n'
        f"[tool.healers]\nanalyzers = [{tools}]\n",
        encoding="utf-8",
    )
    (folder / "pkg").mkdir()
    (folder / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (folder / "pkg" / "mod.py").write_text(BODY.format(n=0).lstrip(), encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=folder, check=True)
    return folder


def _fixed(path: Path, deadline: float) -> float:
    while time.monotonic() < deadline:
        try:
            if "import os" not in path.read_text(encoding="utf-8"):
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.005)
    raise TimeoutError(f"{path} not fixed")


def _measure(analyzers: str, saves: int) -> tuple[list[float], float]:
    """save -> fixed, in ms, for `saves` saves; the watcher's CPU seconds (with its tools)."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = _repo(Path(tmp), analyzers)
        before = os.times()
        proc = subprocess.Popen(
            [sys.executable, "-m", "healers", "watch"],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
        reader.start()
        while not any("watching" in line for line in lines):
            time.sleep(0.01)
        target = repo / "pkg" / "mod.py"
        times = []
        try:
            for n in range(saves + 1):  # the first save warms the analyzers
                blocks = sum(line.startswith("[") for line in lines)
                start = time.monotonic()
                target.write_text("import os\n" + BODY.format(n=n + 1), encoding="utf-8")
                done = _fixed(target, start + 60)
                if n:
                    times.append((done - start) * 1000)
                # the batch goes on (heal's check of its fix): the next save waits for its block
                while sum(line.startswith("[") for line in lines) == blocks:
                    time.sleep(0.01)
                time.sleep(0.2)  # the batch's own write is seen and passed over
        finally:
            stop = [sys.executable, "-m", "healers", "watch", "--stop"]
            subprocess.run(stop, cwd=repo, check=False, capture_output=True)
            proc.wait(timeout=30)
        after = os.times()
        cpu = after.children_user + after.children_system
        return sorted(times), cpu - before.children_user - before.children_system


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()}")
    print("analyzers                 saves  median     p90     min     max   CPU s")
    for analyzers in ("ruff,mypy,bandit,heal", "ruff"):
        ms, cpu = _measure(analyzers, args.saves)
        p90 = ms[max(0, int(len(ms) * 0.9) - 1)]
        row = f"{analyzers:<24} {len(ms):>6} {statistics.median(ms):>7.0f} {p90:>7.0f}"
        print(f"{row} {ms[0]:>7.0f} {ms[-1]:>7.0f} {cpu:>7.1f}   (ms; CPU: watcher + tools)")
    print(f"load after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
