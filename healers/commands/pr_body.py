"""`heal pr-body REPORT --category C`: the Markdown body of the pull request of one category (or
of the decisions draft), from the JSON report of the run that made its fixes."""

from __future__ import annotations

import argparse
import sys

from healers import install, prbody, pullrequests
from healers.commands.pr_plan import read_json
from healers.errors import UsageError
from healers.options import Options


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("targets", metavar="REPORT", help="the JSON report of heal --scan --fix")
    choices = (*pullrequests.CATEGORIES, pullrequests.DECISIONS)
    p.add_argument("--category", required=True, choices=choices)
    p.add_argument("--close-after-days", type=int, default=14, metavar="DAYS")
    p.add_argument(
        "--docs-url",
        default=None,
        metavar="URL",
        help="heal's source for rule docs (default: the git repository and commit installed)",
    )


def docs_base() -> str:
    """https://host/owner/repo/blob/COMMIT of the installed heal, when pip recorded one."""
    record = install.installed_record() or {}
    vcs = record.get("vcs_info")
    url = str(record.get("url", ""))
    if not isinstance(vcs, dict) or not url.startswith("https://"):
        return ""
    return f"{url.removesuffix('.git')}/blob/{vcs.get('commit_id', '')}"


def run(opts: Options) -> int:
    report = read_json(opts.targets[0], "a heal JSON report")
    if not isinstance(report, dict) or not isinstance(report.get("findings"), list):
        raise UsageError(f"{opts.targets[0]}: not a heal JSON report (no findings list)")
    text = prbody.body(
        report,
        opts.category,
        verify_cmd=opts.verify_cmd,
        docs_base=docs_base() if opts.docs_url is None else opts.docs_url.rstrip("/"),
        close_after_days=opts.close_after_days,
    )
    sys.stdout.write(text)
    return 0
