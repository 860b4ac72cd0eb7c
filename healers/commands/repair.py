"""`heal repair [--test-cmd CMD] [--commit]`: propose model-made repairs for failing tests, each
proven with the whole suite in a scratch copy, queued for `heal pending`."""

from __future__ import annotations

import argparse

from healers import repair
from healers.options import Options


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--test-cmd",
        metavar="CMD",
        help="the test command (default: [tool.healers] verify-cmd, else `python -m pytest -q`)",
    )
    p.add_argument(
        "--commit",
        action="store_true",
        help="also commit each queued repair on a branch heal/repair-<id> (never the current one)",
    )
    p.add_argument("--output-format", choices=("text", "json"), default="text")
    p.add_argument(
        "--untrusted",
        action="store_true",
        help="refused: a repair runs the project's tests (HEAL_UNTRUSTED=1 alike)",
    )


def run(opts: Options) -> int:
    return repair.run(opts)
