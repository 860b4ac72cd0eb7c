"""`heal stop [REASON]`: running heals finish their current file and write no more; new runs
report but do not write until `heal resume`."""

from __future__ import annotations

import argparse

from healers.options import Options
from healers.state import control


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("targets", nargs="*", metavar="REASON", help="why (shown to every run refused)")


def run(opts: Options) -> int:
    state_dir = opts.project.state_dir
    control.stop(state_dir, opts.reason)
    print(f"heal stopped: no heal run writes in {state_dir.parent} until `heal resume`")
    return 0
