"""`heal log`: the audit trail (.heal/audit.jsonl), run by run, readably."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from healers import config, state
from healers.state import audit


def describe(run_id: str, records: Sequence[dict[str, Any]], *, diffs: bool) -> list[str]:
    first = records[0]
    kind = first.get("kind", "fix")
    if kind == "undo":
        head = f"{run_id}  {first['time']}  undo of {first.get('undoes', '?')}"
        return [head, *(f"  restored {r['path']}" for r in records), ""]
    verification = first.get("verification", {})
    command = verification.get("command", "")
    checked = f"verified by `{command}` ({verification.get('runs', 0)} runs)" if command else ""
    fixes = sum(len(r.get("fixes", ())) for r in records)
    lines = [f"{run_id}  {first['time']}  {len(records)} file(s), {fixes} fix(es)  {checked}"]
    for r in records:
        rules = ", ".join(r.get("rules", ())) or "-"
        rolled = r.get("rolled_back", ())
        what = f"{len(r.get('fixes', ()))} fix(es) [{rules}]"
        if rolled:
            what += f", {len(rolled)} rolled back [{', '.join(f['rule'] for f in rolled)}]"
        state_ = r.get("verification", {}).get("outcome", "not-run")
        lines.append(f"  {r['path']}: {what}  verification: {state_}")
        if diffs and r.get("diff"):
            lines += ["    " + line for line in r["diff"].splitlines()]
    return [*lines, ""]


def main(argv: Sequence[str] | None = None) -> int:
    """`heal log [RUN_ID]`: the most recent runs that wrote files, newest first."""
    parser = argparse.ArgumentParser(prog="heal log", description=main.__doc__)
    parser.add_argument("run", nargs="?", help="show this run only, with its diffs")
    parser.add_argument("-n", type=int, default=10, metavar="N", help="how many runs (default 10)")
    parser.add_argument("--output-format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        root, _ = state.locate()
    except config.ConfigError as exc:
        print(f"heal log: error: {exc}", file=sys.stderr)
        return 2
    grouped = audit.runs(audit.read(root / ".heal"))
    if args.run:
        if args.run not in grouped:
            print(f"heal log: error: no run {args.run} in .heal/{audit.AUDIT}", file=sys.stderr)
            return 2
        chosen = [(args.run, grouped[args.run])]
    else:
        chosen = list(reversed(grouped.items()))[: max(args.n, 0)]
    if args.output_format == "json":
        payload = [{"run": run_id, "records": records} for run_id, records in chosen]
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return 0
    if not chosen:
        print("No runs recorded yet (heal --fix appends to .heal/audit.jsonl).")
        return 0
    for run_id, records in chosen:
        print("\n".join(describe(run_id, records, diffs=bool(args.run))))
    return 0
