"""`heal pending`: what waits for a human, with the fix heal would make; exit 3 when anything
waits, 0 when nothing does. It never prompts."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Any

from healers import engine
from healers.commands import proposed
from healers.commands.decisions import describe, scan_argument
from healers.options import Options
from healers.state import proposals as queue

EXIT_OK, EXIT_BLOCKED = 0, 3


def arguments(p: argparse.ArgumentParser) -> None:
    scan_argument(p)
    p.add_argument("--output-format", choices=("text", "json"), default="text")


def run(opts: Options) -> int:
    rep = engine.run(replace(opts, fix=False, propose=True))
    waiting = [o for o in rep.outcomes if o.status == "needs-approval"]
    proposals = rep.proposals
    model = queue.waiting(opts.project.state_dir, opts.project.root)
    if opts.output_format == "json":
        rows: list[dict[str, Any]] = [
            {
                "fingerprint": o.fingerprint,
                "rule": o.rule.id,
                "code": o.finding.code,
                "severity": o.finding.severity,
                "path": o.finding.path,
                "line": o.finding.line,
                "column": o.finding.column,
                "message": o.finding.message,
                "reason": o.reason,
                "diff": proposals[o.fingerprint].diff,
                "no_fix_reason": proposals[o.fingerprint].reason,
            }
            for o in waiting
        ]
        payload = {"pending": rows, "model_proposed": [proposed.row(e) for e in model]}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif not waiting and not model:
        print("Nothing waits for a decision.")
    else:
        if waiting:
            print(f"{len(waiting)} finding(s) wait for a decision:\n")
            print("\n".join(describe(o, proposals[o.fingerprint]) for o in waiting))
        if model:
            print(f"{len(model)} model-proposed fix(es) wait for a decision:\n")
            print("\n".join(proposed.describe(e) for e in model))
    return EXIT_BLOCKED if waiting or model else EXIT_OK
