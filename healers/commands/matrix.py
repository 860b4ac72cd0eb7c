"""`heal init github --shards N`: the matrix workflow. N jobs scan a share of the files each and
upload a report and a patch per pull request to open (every fix, for the SARIF; each category's
fixes alone; the scan without fixes, for the decisions draft); one job applies every fix's patches,
merges the reports and uploads the SARIF once; then, as in the single workflow, one job per
category opens its pull request from that category's patches and reports, and one the draft."""

from __future__ import annotations

from healers.pullrequests import CATEGORIES

REPORT = "heal-$RUN-shard-$SHARD.json"  # what a shard job writes for each RUN, the others read
PATCH = "heal-$RUN-shard-$SHARD.patch"
FOLDER = "heal-shards"  # where the jobs after the shards download every shard's artifact

TEMPLATE = """\
# Written by `heal init github@ARGS@` (heal @VERSION@): a scheduled heal scan in @SHARDS@ jobs.
# Each shard job scans a stable share of the files (`heal --scan --shard K/@SHARDS@`, by a hash of
# each path) and uploads its JSON reports and patches: every fix, each category's fixes alone, and
# the scan without fixes. The merge job applies every fix's patches (the shards touch disjoint
# files), merges the reports into one (import cycles are found there, where the whole import
# graph is known) and uploads the SARIF once. Then one job per category opens or updates its pull
# request (heal/style, heal/import, ...: one kind of fix each), closed when left unmerged for two
# weeks, skipped after a `heal:stop` label; what needs a decision goes to one draft. The pull
# requests need the repository setting "Allow GitHub Actions to create and approve pull requests".
@PR-HEADER@name: heal
on:
  schedule:
    - cron: "@CRON@"  # off the hour: scheduled runs at :00 are delayed or dropped most
  workflow_dispatch:
@PULL-REQUEST@
permissions: {}  # nothing by default; each job asks for what it needs

concurrency:
  group: heal-${{ github.event_name == 'pull_request' && github.ref || 'scan' }}
  cancel-in-progress: false

jobs:
  shard:
    name: heal shard ${{ matrix.shard }}/@SHARDS@
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
    strategy:
      fail-fast: false
      matrix:
        shard: [@LIST@]
    steps:
@SETUP@
      - name: heal --scan --shard K/@SHARDS@ (a report and a patch per run; the checkout restored)
        env:
          SHARD: ${{ matrix.shard }}
        run: |
          shard() {  # shard RUN [heal options]: the report and the patch of one run
            RUN=$1
            shift
            rc=0
            heal --scan --shard "$SHARD/@SHARDS@" "$@" --output-format json \\
              --output-file "@REPORT@" || rc=$?
            # 0 clean, 1 findings left, 3 findings wait for a human: all are merged; 2 an error
            if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then exit "$rc"; fi
            git diff --binary -- '*.py' > "@PATCH@"
            git checkout -q -- .  # the next run starts from the commit (its analyses cached)
          }
          shard scan  # for the decisions draft
          shard fix --fix  # for the SARIF
          for category in @CATEGORIES@; do
            shard "$category" --fix --select "$category"  # for its pull request
          done
      - name: Upload the shard's reports and patches
        uses: @upload-artifact@
        with:
          name: heal-shard-${{ matrix.shard }}
          path: heal-*-shard-${{ matrix.shard }}.*
          if-no-files-found: error
          retention-days: 7

  merge:
    name: heal merge
    needs: shard
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
      security-events: write  # upload SARIF
    steps:
@SETUP@
@DOWNLOAD@
      - name: Apply the shards' patches
        run: |
          for patch in @FOLDER@/heal-fix-shard-*.patch; do
            if [ -s "$patch" ]; then git apply "$patch"; fi
          done
      - name: heal merge --fix (one report; the whole project's import cycles found and healed)
        run: |
          heal merge @SARIF@ --fix --format sarif @FOLDER@/heal-fix-shard-*.json
      - name: Upload SARIF
        if: ${{ !cancelled() && hashFiles('@SARIF@') != '' }}  # only sees the workspace
        uses: @upload-sarif@
        with:
          sarif_file: @SARIF@
          category: heal
"""

DOWNLOAD = """\
      - uses: @download-artifact@
        with:
          pattern: heal-shard-*
          path: @FOLDER@
          merge-multiple: true
"""


def fills() -> dict[str, str]:
    """The matrix workflow's own placeholders (the ones init.render fills besides)."""
    return {
        "@DOWNLOAD@\n": DOWNLOAD,
        "@CATEGORIES@": " ".join(CATEGORIES),
        "@REPORT@": REPORT,
        "@PATCH@": PATCH,
        "@FOLDER@": FOLDER,
    }
