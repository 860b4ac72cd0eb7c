"""`heal stats`: what heal has learned about each rule's fixes in this project."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import asdict

from healers.options import Options
from healers.state.stats import Counts, Policy, load


def to_text(counts: Mapping[str, Counts], policy: Policy) -> str:
    if not counts:
        return "No fixes recorded yet (.heal/stats.sqlite fills as `heal --fix` runs).\n"
    head = f"{'rule':<36} {'applied':>7} {'verified':>8} {'rolled back':>11} "
    lines = [head + f"{'approved':>8} {'rejected':>8}  trust"]
    for rule, c in sorted(counts.items()):
        trust = "demoted: needs approval" if policy.demotes(c) else "ok"
        lines.append(
            f"{rule:<36} {c.applied:7d} {c.verified:8d} {c.rolled_back:11d} "
            f"{c.approved:8d} {c.rejected:8d}  {trust}"
        )
    return "\n".join(lines) + "\n"


def to_json(counts: Mapping[str, Counts], policy: Policy) -> str:
    rules = [
        {**asdict(c), "rollback_rate": round(c.rollback_rate, 4), "demoted": policy.demotes(c)}
        for _, c in sorted(counts.items())
    ]
    payload = {"policy": {"min_fixes": policy.min_fixes, "rollback_rate": policy.rate}}
    return json.dumps({**payload, "rules": rules}, indent=2) + "\n"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output-format", choices=("text", "json"), default="text")


def run(opts: Options) -> int:
    counts = load(opts.project.state_dir)
    policy = Policy(opts.config.demote_min_fixes, opts.config.demote_rollback_rate)
    sys.stdout.write((to_json if opts.output_format == "json" else to_text)(counts, policy))
    return 0
