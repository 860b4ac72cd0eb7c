"""`heal pr-plan REPORT --prs PRS.json`: what the workflow does with each heal branch (open,
update, close with a comment, skip), from a heal JSON report and `gh pr list --json` output."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from healers import pullrequests
from healers.errors import UsageError
from healers.options import Options


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("targets", metavar="REPORT", help="the JSON report of heal --scan")
    p.add_argument(
        "--prs",
        required=True,
        metavar="FILE",
        help=f"gh pr list --state all --json {pullrequests.PR_FIELDS} (- for stdin)",
    )
    p.add_argument("--category", default="", help="print only this branch's `ACTION NUMBER`")
    p.add_argument("--close-after-days", type=int, default=14, metavar="DAYS")
    p.add_argument("--every-days", type=int, default=7, metavar="DAYS")
    p.add_argument("--last-run", default="", metavar="ISO", help="the last successful run")
    p.add_argument("--now", default="", metavar="ISO", help="the time to plan for (tests)")


def read_json(path: str, what: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not {what} ({exc})") from exc


def when(text: str, option: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"{option} {text!r}: not an ISO date and time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def run(opts: Options) -> int:
    report = read_json(opts.targets[0], "a heal JSON report")
    prs = read_json(opts.prs, "gh pr list --json output")
    if not isinstance(report, dict) or not isinstance(prs, list):
        raise UsageError("pr-plan needs a heal JSON report and a JSON list of pull requests")
    plan = pullrequests.plan(
        report,
        prs,
        now=when(opts.now, "--now") or datetime.now(timezone.utc),
        close_after_days=opts.close_after_days,
        every_days=opts.every_days,
        last_run=when(opts.last_run, "--last-run"),
    )
    if not opts.category:
        print(json.dumps(plan, indent=2))
        return 0
    for item in plan["steps"]:
        if item["category"] == opts.category:
            print(item["action"], item["number"] or "")
            return 0
    raise UsageError(
        f"--category {opts.category!r}: one of {', '.join(s['category'] for s in plan['steps'])}"
    )
