"""`heal init github`: write .github/workflows/heal.yml, a scheduled scan that uploads SARIF and
opens one pull request with the safe fixes, and a check of each pull request run untrusted."""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Sequence

from healers import __version__, install, write
from healers.commands import matrix, prcheck, prjobs, steps
from healers.errors import UsageError
from healers.options import Options

WORKFLOW = ".github/workflows/heal.yml"
SARIF_FILE = "heal.sarif"  # in the workspace: hashFiles() and upload-sarif look there
HTML_FILE = "heal-report.html"  # the dashboard as one file, uploaded as an artifact
# Third-party actions pinned by commit (a tag can be moved); the comment names the release.
ACTIONS: dict[str, tuple[str, str]] = {
    "checkout": ("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "setup-python": ("actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "upload-sarif": (
        "github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e",
        "v4.36.2",
    ),
    "upload-artifact": (
        "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
        "v7.0.0",
    ),
    "download-artifact": (
        "actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
        "v8.0.1",
    ),
    "create-pull-request": (
        "peter-evans/create-pull-request@5f6978faf089d4d20b00c7766989d076bb2fc7f1",
        "v8.1.1",
    ),
}
MAX_SHARDS = 256  # GitHub runs at most 256 jobs of one matrix
CRON = re.compile(r"^\S+( \S+){4}$")

TEMPLATE = """\
# Written by `heal init github@ARGS@` (heal @VERSION@): a scheduled heal scan.
# It uploads heal's findings to code scanning (Security tab) and opens or updates one pull request
# per category (heal/style, heal/import, ...: one kind of fix each), closed when left unmerged for
# two weeks, skipped after a `heal:stop` label; what needs a decision goes to one draft. The pull
# requests need the repository setting "Allow GitHub Actions to create and approve pull
# requests"; one opened with GITHUB_TOKEN starts no other workflows (use a GitHub App token to
# have CI run on it).
@PR-HEADER@name: heal
on:
  schedule:
    - cron: "@CRON@"  # off the hour: scheduled runs at :00 are delayed or dropped most
  workflow_dispatch:
  pull_request:

permissions: {}  # nothing by default; the job asks for what it needs

concurrency:
  group: heal-${{ github.event_name == 'pull_request' && github.ref || 'scan' }}
  cancel-in-progress: false

jobs:
  scan:
    name: heal scan
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
      security-events: write  # upload SARIF
    steps:
@SETUP@
      - name: heal --scan --fix (safe fixes only; findings to SARIF)
        run: |
          rc=0
          heal --scan --fix --output-format sarif --output-file @SARIF@ || rc=$?
          # 0 clean, 1 findings left, 3 findings wait for a human: all still upload; 2 is an error
          if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then exit "$rc"; fi
      - name: Upload SARIF
        if: ${{ !cancelled() && hashFiles('@SARIF@') != '' }}  # only sees the workspace
        uses: @upload-sarif@
        with:
          sarif_file: @SARIF@
          category: heal
      - name: heal --scan --output-format html (the dashboard of this run, as one file)
        if: ${{ !cancelled() }}
        run: |
          rc=0
          heal --scan --output-format html --output-file @HTML@ || rc=$?
          if [ "$rc" -eq 2 ]; then exit 2; fi
      - name: Upload the HTML report
        if: ${{ !cancelled() && hashFiles('@HTML@') != '' }}
        uses: @upload-artifact@
        with:
          name: heal-report
          path: @HTML@
"""


def render(
    *,
    cron: str,
    python: str,
    install: str,
    args: Sequence[str] = (),
    shards: int = 1,
    pr_check: bool = False,
) -> str:
    """The workflow's text; `args` are the init options to record in its header; with more
    than one shard, the matrix workflow (matrix.py); `pr_check`: the pull-request job is the
    hook's gate (prcheck.py)."""
    text = _jobs(shards=shards, pr_check=pr_check)
    for name, (uses, release) in ACTIONS.items():
        text = text.replace(f"@{name}@", f"{uses} # {release}")
    fills = {
        "ARGS": "".join(f" {shlex.quote(a)}" for a in args),
        "VERSION": __version__,
        "CRON": cron,
        "PYTHON": python,
        "INSTALL": install,  # shell words, as typed: `healers`, `. -r requirements.txt`
        "SARIF": SARIF_FILE,
        "HTML": HTML_FILE,
        "SHARDS": str(shards),
        "LIST": ", ".join(str(k) for k in range(1, shards + 1)),
    }
    for key, value in fills.items():
        text = text.replace(f"@{key}@", value)
    return text


def _jobs(*, shards: int, pr_check: bool) -> str:
    """The template of the jobs: one scan, or the shards' matrix (which has no pull-request job
    but the gate)."""
    if shards == 1:
        text = TEMPLATE + prcheck.job(gate=pr_check) + prjobs.jobs(close_after_days=14)
        return steps.fill(text.replace("@PR-HEADER@", prcheck.HEADER[pr_check]))
    gate = prcheck.job(gate=True) if pr_check else ""
    text = matrix.TEMPLATE + gate + prjobs.jobs(close_after_days=14, sharded=True)
    text = text.replace("@PR-HEADER@", prcheck.HEADER[True] if pr_check else "")
    text = text.replace("@PULL-REQUEST@\n", "  pull_request:\n\n" if pr_check else "\n")
    for key, value in matrix.fills().items():
        text = text.replace(key, value)
    return steps.fill(text)


def _text(opts: Options, words: str) -> str:
    if not 1 <= opts.shards <= MAX_SHARDS:
        raise UsageError(f"--shards must be from 1 to {MAX_SHARDS}, not {opts.shards}")
    return render(
        cron=opts.cron,
        python=opts.python,
        install=words,
        args=_recorded(opts),
        shards=opts.shards,
        pr_check=opts.pr_check,
    )


DEFAULTS = {"cron": "17 3 * * 1", "python": "3.12", "install": "", "source": "", "index_url": ""}


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("targets", nargs="?", metavar="TARGET", help="github (the one target so far)")
    p.add_argument("--cron", default=DEFAULTS["cron"], help="schedule (default Mondays 03:17 UTC)")
    p.add_argument("--python", default=DEFAULTS["python"], help="Python for setup-python")
    _source_arguments(p)
    p.add_argument("--force", action="store_true", help=f"overwrite an existing {WORKFLOW}")


def _source_arguments(p: argparse.ArgumentParser) -> None:
    """Where the workflow gets heal: pinned, or `init` refuses (install.py)."""
    p.add_argument(
        "--source",
        default="",
        metavar="URL@COMMIT",
        help="install heal from this git repository at this full commit "
        "(default: where this heal was installed from, when pip recorded a commit)",
    )
    p.add_argument(
        "--install",
        default=DEFAULTS["install"],
        metavar="SPEC",
        help="pip install arguments that get heal, as shell words: 'healers==X' with "
        "--index-url, or a path (`.` in heal's own repository)",
    )
    p.add_argument("--index-url", default="", metavar="URL", help="the package index of --install")
    p.add_argument(
        "--shards",
        type=int,
        default=1,
        metavar="N",
        help="split the scan over N parallel jobs and merge their reports (default 1)",
    )
    p.add_argument(
        "--pr-check",
        action="store_true",
        help="fail each pull request's check on what the pre-commit hook refuses on the lines "
        "it changes (heal --scan --since its merge base), instead of a report-only check",
    )


def _recorded(opts: Options) -> list[str]:
    """The options given, as words for the workflow's header (defaults left out)."""
    given = {
        "cron": opts.cron,
        "python": opts.python,
        "source": opts.source,
        "install": opts.install,
        "index_url": opts.index_url,
    }
    words = [w for k, v in given.items() if v != DEFAULTS[k] for w in (_flag(k), v)]
    words += ["--shards", str(opts.shards)] if opts.shards != 1 else []
    return words + (["--pr-check"] if opts.pr_check else [])


def _flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def run(opts: Options) -> int:
    if opts.targets != ("github",):
        raise UsageError("usage: heal init github [options]  (the one target so far)")
    if "\n" in opts.install:
        raise UsageError("--install must be one line")
    if not CRON.match(opts.cron):
        raise UsageError(f"--cron needs five fields, got {opts.cron!r}")
    target = opts.project.repo / WORKFLOW
    if target.exists() and not opts.force:
        raise UsageError(f"{target} exists; --force overwrites it")
    words = install.install_words(
        source=opts.source, install=opts.install, index_url=opts.index_url
    )
    text = _text(opts, words)
    target.parent.mkdir(parents=True, exist_ok=True)
    write.write_atomic(target, text.encode("utf-8"), root=opts.project.repo)  # no link outside
    print(f"wrote {target}")
    print(
        "Next: commit it, and allow GitHub Actions to create pull requests "
        "(Settings > Actions > General > Workflow permissions)."
    )
    return 0
