"""`heal baseline [PATH]`: accept every finding of today as the baseline; runs report them as
`baseline` and never fail on them: new code is held to the bar, legacy code is not."""

from __future__ import annotations

import argparse
from dataclasses import replace

from healers import engine, state
from healers.commands.heal import untrusted_argument
from healers.options import Options
from healers.state import baseline


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scan", nargs="?", default=".", metavar="PATH", help="the project to scan")
    untrusted_argument(p)


def run(opts: Options) -> int:
    rep = engine.run(replace(opts, fix=False))
    path = baseline.save(state.ensure(opts.project.root), rep.outcomes)
    print(
        f"heal baseline: {len(rep.outcomes)} finding(s) recorded in "
        f"{path}; runs report them as `baseline` and do not fail on them"
    )
    return 0
