"""`heal reject ID --reason TEXT`: record an accepted risk; the finding no longer blocks."""

from __future__ import annotations

import argparse
from dataclasses import replace

from healers import engine
from healers.commands import proposed, repaired
from healers.commands.decisions import pick, record, scan_argument
from healers.errors import CommandError
from healers.options import Options


def arguments(p: argparse.ArgumentParser) -> None:
    scan_argument(p)
    p.add_argument("targets", nargs="+", metavar="ID", help="fingerprints (or unique prefixes)")
    p.add_argument("--reason", required=True, help="why the risk is acceptable (recorded)")


def run(opts: Options) -> int:
    reason = opts.reason.strip()
    if not reason:
        raise CommandError("--reason must say why the risk is acceptable")
    fixes, ids = repaired.split(opts.project, opts.targets)  # model-proposed repairs first
    if fixes:
        repaired.reject(opts, fixes, reason)
    model, ids = proposed.split(opts.project, ids)  # then model-proposed fixes
    if model:
        proposed.reject(opts, model, reason)
    if not ids:
        return 0
    rep = engine.run(replace(opts, fix=False, propose=True))
    chosen = pick(ids, rep.outcomes)
    record(opts.project, chosen, rep.proposals, "reject", reason)
    for o in chosen:
        f = o.finding
        print(f"{o.fingerprint}  {f.code} {f.path}:{f.line}: accepted risk ({opts.reason})")
    return 0
