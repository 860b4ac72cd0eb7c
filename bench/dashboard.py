"""How fast is `heal dashboard --web`? Page load, and the update latency from a run recording to
the open page showing it, on a real project with a month of history; optionally the README's two
screenshots.

Downloads a pinned sdist (rich by default, as bench/scan_speed.py does), runs the real
`heal --scan --fix` and `heal pending` on it (real findings, fixes, audit diffs and proposals),
then seeds the history with a month of runs before them (--days, --runs-per-day: a daily scan
whose counts fall as a team works, and hook runs with a few fixes and now and then a rollback;
the seeded runs are synthetic and only feed the trends and windows). It starts the server, then
measures with Debian's Chromium (driven by Selenium and Debian's chromedriver, as the tests do):

  page load      the Navigation Timing of /healing: response end, DOMContentLoaded, load (median
                 of --repeat loads), beside the same page opened from a file (the static report);
  update         a run's record written (history.record, the last thing every heal run does) ->
                 the event stream's update received by a plain client, and -> the open page's
                 main part replaced (a MutationObserver, by the page's own clock).

Prints figures; it is not a test. Run it with the interpreter that has healers[test] installed:

    python bench/dashboard.py [--package rich==13.9.4] [--repeat 20] [--work-dir DIR]
                              [--screenshots docs/images] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]
from scan_speed import WORK, _heal_command, fetch  # noqa: E402

from healers import __version__  # noqa: E402
from healers.state import history  # noqa: E402
from healers.state.runs import Entry, Seen  # noqa: E402
from tests.helpers import (  # noqa: E402
    GIT_USER,
    SAMPLE,
    browser,
    browser_missing,
    start_dashboard,
    stop,
)

DEFAULT_PACKAGE = "rich==13.9.4"
DAY = 86_400.0
TIMING = """
const t = performance.getEntriesByType('navigation')[0];
return [t.responseEnd, t.domContentLoadedEventEnd, t.loadEventEnd, t.transferSize];
"""
WATCH = """
window.updatedAt = 0;
new MutationObserver(function () {
  if (!window.updatedAt) { window.updatedAt = performance.timeOrigin + performance.now(); }
}).observe(document.body, {childList: true});
"""


def heal(root: Path, *args: str) -> int:
    return subprocess.run(
        [*_heal_command(), *args], cwd=root, capture_output=True, check=False
    ).returncode


def seed(state_dir: Path, days: int, per_day: int, rules: Sequence[Seen]) -> int:
    """A month of synthetic runs before now: a daily scan, and hook runs with a few heals."""
    rng = random.Random(15)
    now = time.time() - 3600
    base = dict.fromkeys(("type", "import", "style", "security", "performance", "logic"), 0)
    for s in rules:
        base[s.category] += 1
    count = 0
    for day in range(days, 0, -1):
        start = now - day * DAY
        factor = 1 + day / days  # the counts fall as the month goes on
        cats = {c: int(n * factor) + rng.randint(0, 3) for c, n in base.items()}
        history.record(state_dir, _entry(f"seed-scan-{day}", start, "scan", "project", cats, ()))
        for i in range(per_day - 1):
            picked = rng.sample(list(rules), k=min(len(rules), rng.randint(0, 3)))
            heals = tuple(_heal(s, rng, f"{day}-{i}-{j}") for j, s in enumerate(picked))
            at = start + (i + 1) * DAY / per_day
            history.record(
                state_dir, _entry(f"seed-hook-{day}-{i}", at, "hook", "files", {}, heals)
            )
        count += per_day
    return count


def _heal(s: Seen, rng: random.Random, tag: str) -> Seen:
    status = "rolled-back" if rng.random() < 0.06 else "fixed"
    where = (
        s.path,
        s.line,
        status,
        s.message,
        s.severity,
        "seeded by bench/dashboard.py",
        s.column,
    )
    return Seen(f"seed{tag}", s.rule, s.code, s.category, s.priority, *where)


def _entry(
    run_id: str, at: float, kind: str, scope: str, cats: dict[str, int], heals: tuple[Seen, ...]
) -> Entry:
    fixed = sum(h.status == "fixed" for h in heals)
    return Entry(
        run_id,
        kind,
        scope,
        at,
        0.8,
        files=3 if scope == "files" else 100,
        found=sum(cats.values()) or len(heals),
        fixed=fixed,
        rolled_back=len(heals) - fixed,
        by_category=cats,
        version=__version__,
        heals=heals,
    )


class Events:
    """A plain event-stream client: the time each update arrived."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
        self.conn.request("GET", "/healing/events")
        self.response = self.conn.getresponse()
        self.times: list[float] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.response:
                if line.startswith(b"data: "):
                    self.times.append(time.time())
        except OSError:
            return


def median_ms(values: Sequence[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms (max {max(values) * 1000:.1f})"


def page_load(driver: Any, url: str, repeat: int) -> dict[str, list[float]]:
    got: dict[str, list[float]] = {"response": [], "dom": [], "load": [], "bytes": []}
    for _ in range(repeat):
        driver.get(url)
        response, dom, load, size = driver.execute_script(TIMING)
        for key, value in zip(got, (response / 1000, dom / 1000, load / 1000, size), strict=True):
            got[key].append(value)
    return got


def updates(driver: Any, url: str, state_dir: Path, repeat: int) -> tuple[list[float], list[float]]:
    driver.get(url)
    deadline = time.monotonic() + 20
    while driver.find_element("id", "live").text != "live" and time.monotonic() < deadline:
        time.sleep(0.05)
    stream = Events(url)
    time.sleep(0.5)
    to_stream, to_page = [], []
    for i in range(repeat):
        driver.execute_script(WATCH)
        seen = len(stream.times)
        written = time.time()
        history.record(state_dir, _entry(f"bench-{i}-{written}", written, "hook", "files", {}, ()))
        while (
            len(stream.times) == seen or not driver.execute_script("return window.updatedAt;")
        ) and time.time() < written + 10:
            time.sleep(0.01)
        to_stream.append(stream.times[seen] - written)
        to_page.append(driver.execute_script("return window.updatedAt;") / 1000 - written)
        time.sleep(0.3)
    return to_stream, to_page


def screenshots(url: str, folder: Path, profile: Path) -> None:
    """docs/images/dashboard-overview.png and dashboard-drilldown.png."""
    folder.mkdir(parents=True, exist_ok=True)
    wide = browser(profile / "overview", width=1280, height=1500)
    try:
        wide.get(url)
        time.sleep(1)
        wide.save_screenshot(str(folder / "dashboard-overview.png"))
        wide.get(url)
        wide.find_element("css selector", "a.card.c-logic").click()  # fixes and a proposal
        section = wide.find_element("id", "category-logic")
        for summary in section.find_elements("css selector", "details summary"):
            summary.click()  # the proposed fixes, open
        wide.execute_script("window.scrollTo(0, arguments[0].offsetTop - 8);", section)
        time.sleep(0.5)
        wide.save_screenshot(str(folder / "dashboard-drilldown.png"))
    finally:
        wide.quit()


def sample(work: Path) -> Path:
    """fixtures/sample_repo, copied afresh as a git repository."""
    dest = work / "src" / "sample_repo"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns(".heal", "__pycache__"))
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-qm", "sample")):
        subprocess.run(["git", *GIT_USER, *args], cwd=dest, check=True)
    return dest


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--package", default=DEFAULT_PACKAGE, help=f"NAME==VERSION ({DEFAULT_PACKAGE})")
    p.add_argument("--repeat", type=int, default=20, help="page loads and updates measured (20)")
    p.add_argument("--days", type=int, default=30, help="days of seeded history (30)")
    p.add_argument("--runs-per-day", type=int, default=40, help="seeded runs a day (40)")
    p.add_argument("--work-dir", type=Path, default=WORK, help=f"scratch folder ({WORK})")
    p.add_argument("--sample", action="store_true", help="the bundled sample project instead")
    p.add_argument("--screenshots", type=Path, metavar="DIR", help="save the README's screenshots")
    p.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = p.parse_args(argv)
    missing = browser_missing()
    if missing:
        raise SystemExit(f"bench/dashboard.py needs a browser: {missing}")
    if args.sample:
        root, files = sample(args.work_dir.resolve()), len(list(SAMPLE.rglob("*.py")))
        print(f"fixtures/sample_repo: {files} files", flush=True)
    else:
        target = fetch(args.package, args.work_dir.resolve())
        root, files = target.root, len(target.files)
        print(f"{target.name} {target.version}: {files} files, {target.lines} lines", flush=True)
    state_dir = root / ".heal"
    rules = _real_findings(root)
    seeded = seed(state_dir, args.days, args.runs_per_day, rules)
    started = time.monotonic()
    fixing, pending = heal(root, "--scan", "--fix"), heal(root, "pending")
    print(f"heal --scan --fix: exit {fixing}; heal pending: exit {pending}")
    print(
        f"history: {seeded} seeded runs + 4 real ones ({time.monotonic() - started:.1f} s of heal)"
    )
    report = root / "heal-report.html"
    heal(root, "--scan", "--output-format", "html", "--output-file", str(report))
    proc, url = start_dashboard(root)
    project = "fixtures/sample_repo" if args.sample else args.package
    result: dict[str, Any] = {"project": project, "files": files, "runs": seeded + 4}
    with tempfile.TemporaryDirectory(prefix="heal-bench-") as tmp:
        driver = browser(Path(tmp) / "profile")
        try:
            result["served"] = page_load(driver, url, args.repeat)
            result["file"] = page_load(driver, report.as_uri(), args.repeat)
            result["to_stream"], result["to_page"] = updates(driver, url, state_dir, args.repeat)
        finally:
            driver.quit()
        if args.screenshots:
            screenshots(url, args.screenshots, Path(tmp))
    stop(proc)
    _print(result)
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


def _real_findings(root: Path) -> list[Seen]:
    """The project's findings from a first real `heal --scan` (its rules seed the history)."""
    proc = subprocess.run(
        [*_heal_command(), "--scan", "--output-format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    found = json.loads(proc.stdout)["findings"]
    return [
        Seen(
            f["fingerprint"],
            f["rule"],
            f["code"],
            f["category"],
            f["priority"],
            f["path"],
            f["line"],
            "fixable",
            f["message"].splitlines()[0],
            f["severity"],
            "",
            f["column"],
        )
        for f in found
    ]


def _print(result: dict[str, Any]) -> None:
    served, file = result["served"], result["file"]
    size = statistics.median(served["bytes"]) / 1024
    print(f"\npage: {size:.0f} KiB over HTTP, {len(served['load'])} loads each")
    print(f"{'':22} {'served (--web)':>30} {'file (html report)':>30}")
    for key, label in (
        ("response", "response end"),
        ("dom", "DOMContentLoaded"),
        ("load", "load event"),
    ):
        print(f"{label:22} {median_ms(served[key]):>30} {median_ms(file[key]):>30}")
    print(f"\nupdate latency over {len(result['to_page'])} runs recorded (goal: <= 1000 ms)")
    print(f"{'record -> event stream':30} {median_ms(result['to_stream'])}")
    print(f"{'record -> page updated':30} {median_ms(result['to_page'])}")


if __name__ == "__main__":
    raise SystemExit(main())
