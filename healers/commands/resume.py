"""`heal resume`: lift an emergency stop."""

from __future__ import annotations

import argparse

from healers.options import Options
from healers.state import control


def arguments(p: argparse.ArgumentParser) -> None:
    """No arguments."""


def run(opts: Options) -> int:
    if not control.resume(opts.project.state_dir):
        print("heal was not stopped")
        return 0
    print("heal resumed: runs may write again")
    return 0
