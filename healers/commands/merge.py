"""`heal merge OUT --format sarif|json IN...`: the shard reports of `heal --scan --shard K/N` as
one report, the one a single run over the whole project writes (merge.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from healers import merge, write
from healers.commands.heal import repo_prefix
from healers.options import Options
from healers.report import json, sarif


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("output_file", metavar="OUT", help="where to write the merged report")
    p.add_argument("--format", dest="output_format", choices=("sarif", "json"), default="sarif")
    p.add_argument(
        "--fix",
        action="store_true",
        help="also fix the import cycles (the shards' patches applied first, as the workflow does)",
    )
    p.add_argument(
        "--select",
        action="append",
        metavar="SEL",
        help="the selection the shards ran with (`--select CATEGORY`): the import cycles "
        "found and fixed here only when it takes them",
    )
    p.add_argument(
        "targets", nargs="+", metavar="IN", help="the shards' JSON reports, all N of one split"
    )


def run(opts: Options) -> int:
    rep = merge.merged(opts, [Path(p) for p in opts.targets])
    if opts.output_format == "json":
        text = json.to_json(rep)
    else:
        text = sarif.to_sarif(rep, prefix=repo_prefix(opts.project))
    write.write_report(Path(opts.output_file or ""), text.encode("utf-8"), repo=opts.project.repo)
    print(f"merged {len(opts.targets)} shard report(s): {len(rep.outcomes)} finding(s)")
    return 0
