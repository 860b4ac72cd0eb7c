"""`heal pending`: what waits for a human, with the fix heal would make; exit 3 when a blocked
finding waits (as `heal --scan` would), 0 otherwise. It never prompts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from healers import engine
from healers.commands import proposed
from healers.commands.decisions import describe, scan_argument
from healers.finding import Outcome, Proposal
from healers.options import Options
from healers.state import approvals, repairs
from healers.state import proposals as queue

EXIT_OK, EXIT_BLOCKED = 0, 3


def arguments(p: argparse.ArgumentParser) -> None:
    scan_argument(p)
    p.add_argument("--output-format", choices=("text", "json"), default="text")
    p.add_argument(
        "--all",
        action="store_true",
        dest="show_all",
        help="also every decision in .heal/approvals.toml: who decided what, and whether it holds",
    )


def decisions(opts: Options, outcomes: Sequence[Outcome]) -> list[dict[str, str]]:
    """Every recorded decision, who made it and when, and what it does in this run: an entry in
    approvals.toml is code-reviewed data, like the code itself (docs/security.md)."""
    by_print = {o.fingerprint: o for o in outcomes}
    rows = []
    for d in approvals.load(opts.project.state_dir).values():
        o = by_print.get(d.fingerprint)
        if o is None:
            holds = "no such finding now (fixed, moved to another scope, or one of twins)"
        elif o.status in ("blocked", "needs-approval"):
            holds = "void: " + o.reason.rpartition("is void: ")[2]
        else:
            holds = f"holds: {o.status}"
        rows.append({**{k: getattr(d, k) for k in approvals.FIELDS}, "now": holds})
    return rows


def _row(o: Outcome, proposal: Proposal) -> dict[str, Any]:
    return {
        "fingerprint": o.fingerprint,
        "rule": o.rule.id,
        "code": o.finding.code,
        "severity": o.finding.severity,
        "path": o.finding.path,
        "line": o.finding.line,
        "column": o.finding.column,
        "message": o.finding.message,
        "reason": o.reason,
        "diff": proposal.diff,
        "no_fix_reason": proposal.reason,
    }


def _show_decisions(made: Sequence[dict[str, str]]) -> None:
    print(f"\n{len(made)} decision(s) in .heal/{approvals.FILE_NAME}:")
    for row in made:
        verb = "approved" if row["decision"] == "approve" else "rejected"
        said = f": {row['reason']}" if row["reason"] else ""
        print(f"  {row['fingerprint']}  {verb} by {row['who']} at {row['when']}{said}")
        print(f"      {row['rule']} in {row['path']}; {row['now']}")


def run(opts: Options) -> int:
    rep = engine.run(replace(opts, fix=False, propose=True))
    waiting = [o for o in rep.outcomes if o.status in ("blocked", "needs-approval")]
    code = EXIT_BLOCKED if any(o.status == "blocked" for o in waiting) else EXIT_OK
    proposals = rep.proposals
    model = queue.waiting(opts.project.state_dir, opts.project.root)
    fixes = repairs.waiting(opts.project.state_dir, opts.project.root)
    if opts.output_format == "json":
        payload: dict[str, Any] = {
            "pending": [_row(o, proposals[o.fingerprint]) for o in waiting],
            "model_proposed": [proposed.row(e) for e in model],
            "repairs": [proposed.repair_row(e) for e in fixes],
        }
        if opts.show_all:
            payload["decisions"] = decisions(opts, rep.outcomes)
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return code
    if not waiting and not model and not fixes:
        print("Nothing waits for a decision.")
    if waiting:
        print(f"{len(waiting)} finding(s) wait for a decision:\n")
        print("\n".join(describe(o, proposals[o.fingerprint]) for o in waiting))
    if model:
        print(f"{len(model)} model-proposed fix(es) wait for a decision:\n")
        print("\n".join(proposed.describe(e) for e in model))
    if fixes:
        print(f"{len(fixes)} model-proposed repair(s) of failing tests wait for a decision:\n")
        print("\n".join(proposed.describe_repair(e) for e in fixes))
    if opts.show_all:
        _show_decisions(decisions(opts, rep.outcomes))
    return code
