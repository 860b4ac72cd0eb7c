"""`heal init github --shards N`: the matrix workflow. N jobs scan and fix a share of the files
each and upload their report and patch; one job applies the patches, merges the reports, uploads
the SARIF once and opens the fix pull request."""

from __future__ import annotations

REPORT = "heal-shard-$SHARD.json"  # the names the shard job writes and the merge job reads
PATCH = "heal-shard-$SHARD.patch"
FOLDER = "heal-shards"  # where the merge job downloads every shard's artifact

TEMPLATE = """\
# Written by `heal init github@ARGS@` (heal @VERSION@): a scheduled heal scan in @SHARDS@ jobs.
# Each shard job scans and fixes a stable share of the files (`heal --scan --shard K/@SHARDS@`, by a
# hash of each path) and uploads its JSON report and its patch; the merge job applies the
# patches (the shards touch disjoint files), merges the reports into one (import cycles are found
# there, where the whole import graph is known), uploads the SARIF once and opens or updates the
# fix pull request. The pull request needs the repository setting "Allow GitHub Actions to
# create and approve pull requests".
name: heal
on:
  schedule:
    - cron: "@CRON@"  # off the hour: scheduled runs at :00 are delayed or dropped most
  workflow_dispatch:

permissions: {}  # nothing by default; each job asks for what it needs

concurrency:
  group: heal-scan
  cancel-in-progress: false

jobs:
  shard:
    name: heal shard ${{ matrix.shard }}/@SHARDS@
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
      - name: heal --scan --fix --shard K/@SHARDS@ (its report and its patch)
        env:
          SHARD: ${{ matrix.shard }}
        run: |
          rc=0
          heal --scan --fix --shard "$SHARD/@SHARDS@" --output-format json \\
            --output-file "@REPORT@" || rc=$?
          # 0 clean, 1 findings left, 3 findings wait for a human: all are merged; 2 is an error
          if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then exit "$rc"; fi
          git diff --binary -- '*.py' > "@PATCH@"
      - name: Upload the shard's report and patch
        uses: @upload-artifact@
        with:
          name: heal-shard-${{ matrix.shard }}
          path: |
            heal-shard-${{ matrix.shard }}.json
            heal-shard-${{ matrix.shard }}.patch
          if-no-files-found: error
          retention-days: 7

  merge:
    name: heal merge
    needs: shard
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: write  # push the fix branch
      pull-requests: write  # open or update the fix pull request
      security-events: write  # upload SARIF
    steps:
@SETUP-PUSH@
      - uses: @download-artifact@
        with:
          pattern: heal-shard-*
          path: @FOLDER@
          merge-multiple: true
      - name: Apply the shards' patches
        run: |
          for patch in @FOLDER@/*.patch; do
            if [ -s "$patch" ]; then git apply "$patch"; fi
          done
      - name: heal merge --fix (one report; the whole project's import cycles found and healed)
        run: |
          heal merge @SARIF@ --fix --format sarif @FOLDER@/*.json
      - name: Upload SARIF
        if: ${{ !cancelled() && hashFiles('@SARIF@') != '' }}  # only sees the workspace
        uses: @upload-sarif@
        with:
          sarif_file: @SARIF@
          category: heal
      - name: Open or update the fix pull request
        uses: @create-pull-request@
        with:
          branch: @BRANCH@
          delete-branch: true
          # a git pathspec: matches at every depth and keeps heal.sarif and the shards' files out
          add-paths: "*.py"
          commit-message: "heal: apply safe automatic fixes"
          title: "heal: automatic fixes"
          body: >-
            Safe fixes from the scheduled `heal --scan --fix`, in @SHARDS@ shards. Findings that
            need a human, security ones first, are in the Security tab and are never fixed here.
"""
