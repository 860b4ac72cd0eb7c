"""`heal log [RUN_ID]`: the audit trail (.heal/audit.jsonl), run by run, newest first; one run
with its diffs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from healers.errors import UsageError
from healers.options import Options
from healers.state import audit, journal


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
    # a file whose every fix was taken back is on record (it was written twice) but not changed
    changed = sum(
        r.get("sha256_before") != r.get("sha256_after") or bool(r.get("incomplete"))
        for r in records
    )
    restored = len(records) - changed
    back = f" ({restored} more written and put back)" if restored else ""
    lines = [f"{run_id}  {first['time']}  {changed} file(s){back}, {fixes} fix(es)  {checked}"]
    if any(r.get("incomplete") for r in records):
        lines[0] += "  INCOMPLETE"
        lines.append(
            "  the run was killed before it finished: the files marked `written` are on record "
            "(write-ahead), not their fixes; `heal undo` takes them back"
        )
    for r in records:
        rules = ", ".join(r.get("rules", ())) or "-"
        rolled = r.get("rolled_back", ())
        what = f"{len(r.get('fixes', ()))} fix(es) [{rules}]"
        if rolled:
            what += f", {len(rolled)} rolled back [{', '.join(f['rule'] for f in rolled)}]"
        state_ = r.get("verification", {}).get("outcome", "not-run")
        if r.get("incomplete"):
            what, state_ = "written", "not-run"
        lines.append(f"  {r['path']}: {what}  verification: {state_}")
        if diffs and r.get("diff"):
            lines += ["    " + line for line in r["diff"].splitlines()]
    return [*lines, ""]


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("targets", nargs="?", metavar="RUN_ID", help="this run only, with its diffs")
    p.add_argument("-n", dest="count", type=int, default=10, help="how many runs (default 10)")
    p.add_argument("--output-format", choices=("text", "json"), default="text")


def run(opts: Options) -> int:
    loaded = audit.load(opts.project.state_dir)
    for damaged in loaded.damaged:
        print(
            f"heal log: skipped a damaged record in .heal/{audit.AUDIT}, {damaged}", file=sys.stderr
        )
    grouped = journal.complete(loaded.records)
    run_id = opts.targets[0] if opts.targets else ""
    if run_id:
        if run_id not in grouped:
            raise UsageError(f"no run {run_id} in .heal/{audit.AUDIT}")
        chosen = [(run_id, grouped[run_id])]
    else:
        chosen = list(reversed(grouped.items()))[: max(opts.count, 0)]
    if opts.output_format == "json":
        payload = [{"run": rid, "records": records} for rid, records in chosen]
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return 0
    if not chosen:
        print("No runs recorded yet (heal --fix appends to .heal/audit.jsonl).")
        return 0
    for rid, records in chosen:
        print("\n".join(describe(rid, records, diffs=bool(run_id))))
    return 0
