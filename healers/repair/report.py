"""What `heal repair` prints: per failing test its failure, each attempt and why it was not kept,
the repair queued and the files it touches; the round's attempts, suite runs, time and cost."""

from __future__ import annotations

import json
import sys
from typing import Any

from healers.options import Options
from healers.repair.records import Repair, Round


def _row(r: Repair) -> dict[str, Any]:
    return {
        "test": r.failure.test,
        "message": r.failure.message,
        "frames": [f"{f.path}:{f.line}" for f in r.failure.frames],
        "attempts": [
            {"attempt": a.number, "reason": a.reason, "checks": list(a.checks)} for a in r.attempts
        ],
        "suite_runs": r.suite_runs,
        "queued": r.entry.id if r.entry else "",
        "files": list(r.entry.paths) if r.entry else [],
        "diff": r.entry.diff if r.entry else "",
        "why": r.why,
    }


def payload(done: Round) -> dict[str, Any]:
    costs = [a.cost for a in done.answers if a.cost is not None]
    return {
        "command": done.command,
        "passed": len(done.baseline.passed),
        "failed": len(done.baseline.failures),
        "writable": list(done.writable.entries),
        "failures": [_row(r) for r in done.repairs],
        "attempts": sum(len(r.attempts) for r in done.repairs),
        "suite_runs": done.suite_runs,
        "seconds": round(done.seconds, 2),
        "model": done.model,
        "requests": done.requests,
        "prompt_tokens": sum(a.prompt_tokens for a in done.answers),
        "completion_tokens": sum(a.completion_tokens for a in done.answers),
        "cost": sum(costs) if costs else None,
        "notes": list(done.notes),
    }


def _lines(r: Repair) -> list[str]:
    out = [
        f"FAIL {r.failure.test}: {r.failure.message.splitlines()[0] if r.failure.message else ''}"
    ]
    for a in r.attempts:
        said = (
            "held: " + "; ".join(a.checks)
            if not a.reason
            else "rejected: " + a.reason.splitlines()[0]
        )
        out.append(f"    attempt {a.number}: {said}")
    if r.entry is not None:
        e = r.entry
        out.append(
            f"    queued as {e.id}: touches {', '.join(e.paths)} ({r.suite_runs} suite run(s))"
        )
        out += [f"        {line}" for line in e.diff.splitlines()]
        out.append(f'    heal approve {e.id}    or    heal reject {e.id} --reason "..."')
    elif r.why:
        out.append(f"    not repaired: {r.why}")
    return out


def show(opts: Options, done: Round) -> None:
    if opts.output_format == "json":
        sys.stdout.write(json.dumps(payload(done), indent=2, ensure_ascii=False) + "\n")
        return
    data = payload(done)
    base = done.baseline
    head = f"heal repair: `{done.command}` in a scratch copy: {len(base.failures)} failed"
    print(
        f"{head}, {len(base.passed)} passed ({base.seconds:.1f} s)"
        if base.pytest
        else f"{head} (exit {base.returncode}, {base.seconds:.1f} s)"
    )
    for r in done.repairs:
        print("\n".join(_lines(r)))
    queued = sum(1 for r in done.repairs if r.entry)
    tail = (
        f"{len(done.repairs)} failing, {queued} repair(s) queued; {data['attempts']} "
        f"attempt(s), {data['suite_runs']} suite run(s), {done.seconds:.1f} s"
    )
    if done.model:
        tokens = data["prompt_tokens"] + data["completion_tokens"]
        cost = f", cost {data['cost']:.4f}" if data["cost"] is not None else ""
        tail += f"; model {done.model}: {done.requests} request(s), {tokens} tokens{cost}"
    elif done.repairs:
        tail += "; no model is configured: set [tool.healers.llm] base-url and model to get repairs"
    print(tail)
    for note in done.notes:
        print(f"heal: note: {note}", file=sys.stderr)
