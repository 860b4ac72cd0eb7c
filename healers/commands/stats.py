"""`heal stats`: what heal has learned about each rule's fixes in this project."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import asdict

from healers.options import Options
from healers.state import patterns
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


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def patterns_text(store: patterns.Summary, used: list[patterns.Pattern]) -> str:
    """The pattern store: its size, the reuse rate of proposals, each used pattern's success."""
    lines = [
        f"\nPattern store: {store.stored} pattern(s), {store.offered} offered to a model; "
        f"reuse rate {_rate(store.reuse_rate)} ({store.reused} of {store.proposals} "
        "model proposal(s) showed a stored pattern)"
    ]
    lines += [
        f"  pattern {p.id:<5} {p.rule:<32} used {p.successes + p.failures} time(s), "
        f"success {_rate(p.success_rate)}{'' if p.offered else '  (no longer offered)'}"
        for p in used
    ]
    return "\n".join(lines) + "\n"


def patterns_json(store: patterns.Summary, used: list[patterns.Pattern]) -> dict[str, object]:
    return {
        "stored": store.stored,
        "offered": store.offered,
        "proposals": store.proposals,
        "reused": store.reused,
        "reuse_rate": store.reuse_rate,
        "used": [
            {"id": p.id, "rule": p.rule, "successes": p.successes, "failures": p.failures}
            | {"success_rate": p.success_rate, "offered": p.offered}
            for p in used
        ],
    }


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output-format", choices=("text", "json"), default="text")


def run(opts: Options) -> int:
    counts = load(opts.project.state_dir)
    policy = Policy(opts.config.demote_min_fixes, opts.config.demote_rollback_rate)
    store = patterns.summary(opts.project.state_dir)  # None until a heal was recorded
    used = [p for p in patterns.load(opts.project.state_dir) if p.successes + p.failures]
    if opts.output_format == "json":
        payload = json.loads(to_json(counts, policy))
        if store is not None:
            payload["patterns"] = patterns_json(store, used)
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        tail = patterns_text(store, used) if store is not None else ""
        sys.stdout.write(to_text(counts, policy) + tail)
    return 0
