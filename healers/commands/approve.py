"""`heal approve ID...`: record the approval, then apply exactly those fixes through the same
apply path and checks as --fix. Exit 0 when every one was applied."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from healers import engine
from healers.commands import proposed, repaired
from healers.commands.decisions import pick, record, scan_argument
from healers.errors import CommandError
from healers.options import Options

EXIT_OK, EXIT_LEFT = 0, 1


def arguments(p: argparse.ArgumentParser) -> None:
    scan_argument(p)
    p.add_argument("targets", nargs="+", metavar="ID", help="fingerprints (or unique prefixes)")


def run(opts: Options) -> int:
    fixes, ids = repaired.split(opts.project, opts.targets)  # model-proposed repairs first
    model, ids = proposed.split(opts.project, ids)  # then model-proposed fixes
    applied = repaired.approve(opts, fixes) if fixes else True
    applied = (proposed.approve(opts, model) if model else True) and applied
    if not ids:
        return EXIT_OK if applied else EXIT_LEFT
    rep = engine.run(replace(opts, fix=False, propose=True))
    chosen = pick(ids, rep.outcomes)
    proposals = rep.proposals
    for o in chosen:
        if not proposals[o.fingerprint].diff:
            raise CommandError(
                f"{o.fingerprint}: no fix to approve ({proposals[o.fingerprint].reason}); fix "
                f'it by hand, or accept the risk: heal reject {o.fingerprint} --reason "..."'
            )
    record(opts.project, chosen, proposals, "approve", "")
    wanted = frozenset(o.fingerprint for o in chosen)
    done = engine.run(replace(opts, fix=True, only=wanted, propose=False))
    fixed = {o.fingerprint for o in done.outcomes if o.status == "fixed"} & wanted
    for note in done.notes:
        print(f"heal: note: {note}", file=sys.stderr)
    why = {o.fingerprint: o.reason for o in done.outcomes}
    for o in chosen:
        not_applied = f"approved, NOT applied: {why.get(o.fingerprint) or 'the fix did not apply'}"
        state = "applied" if o.fingerprint in fixed else not_applied
        print(f"{o.fingerprint}  {o.finding.code} {o.finding.path}:{o.finding.line}: {state}")
        if o.fingerprint in fixed:
            sys.stdout.write(proposals[o.fingerprint].diff)
    return EXIT_OK if fixed == wanted and applied else EXIT_LEFT
