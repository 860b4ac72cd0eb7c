"""The jobs of the generated workflow that open heal's pull requests: one per category on its own
branch `heal/<category>` (a matrix), updated in place, closed when left unmerged, skipped after
`heal:stop` (heal pr-plan decides, heal pr-body writes the body); and one draft that lists what
needs a decision, which automation never merges."""

from __future__ import annotations

from healers.pullrequests import CATEGORIES, PR_FIELDS

JOBS = """\

  fix:
    name: heal fix (${{ matrix.category }})
@AFTER@    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: write  # push heal/<category>
      pull-requests: write  # open, update or close its pull request
      actions: read  # gh run list: the last successful run (one run a week)
    strategy:
      fail-fast: false
      matrix:
        category: [@CATEGORIES@]
    steps:
@SETUP-PUSH@
@DOWNLOAD@
      - name: @FIX-NAME@, and what to do with its pull request
        id: plan
        env:
          CATEGORY: ${{ matrix.category }}
          GH_TOKEN: ${{ github.token }}
          FORCED: ${{ github.event_name == 'workflow_dispatch' }}
        run: |
          gh pr list --state all --head "heal/$CATEGORY" --limit 20 \\
            --json @FIELDS@ > heal-prs.json
          last=""
          if [ "$FORCED" != "true" ]; then
            last=$(gh run list --workflow heal.yml --status success --limit 1 \\
              --json createdAt --jq '.[0].createdAt // ""')
          fi
@FIX-RUN@
          plan=$(heal pr-plan heal-fix.json --prs heal-prs.json --category "$CATEGORY" \\
            --close-after-days @CLOSE@ --last-run "$last")
          read -r action number <<< "$plan"
          heal pr-body heal-fix.json --category "$CATEGORY" --close-after-days @CLOSE@ \\
            > heal-pr.md
          echo "action=$action" >> "$GITHUB_OUTPUT"
          echo "number=$number" >> "$GITHUB_OUTPUT"
      - name: Close the pull request left unmerged (the category rests as long)
        if: steps.plan.outputs.action == 'close'
        env:
          GH_TOKEN: ${{ github.token }}
          NUMBER: ${{ steps.plan.outputs.number }}
        run: |
          gh pr close "$NUMBER" --delete-branch --comment "heal: closed, unmerged after @CLOSE@ \\
          days; the next runs skip this category for as long. Label a pull request heal:stop \\
          to stop them for good."
      - name: Open or update the category's pull request
        if: steps.plan.outputs.action == 'open' || steps.plan.outputs.action == 'update'
        uses: @create-pull-request@
        with:
          branch: heal/${{ matrix.category }}
          delete-branch: true
          # a git pathspec: matches at every depth and keeps heal's reports out
          add-paths: "*.py"
          commit-message: "heal: ${{ matrix.category }} fixes"
          title: "heal: ${{ matrix.category }} fixes"
          body-path: heal-pr.md

  decisions:
    name: heal decisions (a draft, never merged by automation)
@AFTER@    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: write
      pull-requests: write
    steps:
@SETUP@
@DOWNLOAD@
      - name: What waits for a decision
        id: plan
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          gh pr list --state all --head heal/decisions --limit 20 \\
            --json @FIELDS@ > heal-prs.json
@SCAN-RUN@
          plan=$(heal pr-plan heal-scan.json --prs heal-prs.json --category decisions)
          read -r action number <<< "$plan"
          mkdir -p .heal
          heal pr-body heal-scan.json --category decisions > .heal/decisions.md
          echo "action=$action" >> "$GITHUB_OUTPUT"
      - name: Open or update the draft
        if: steps.plan.outputs.action == 'open' || steps.plan.outputs.action == 'update'
        uses: @create-pull-request@
        with:
          branch: heal/decisions
          draft: true
          add-paths: .heal/decisions.md
          commit-message: "heal: fixes that need a decision"
          title: "heal: fixes that need a decision (draft)"
          body-path: .heal/decisions.md
"""


SINGLE = {  # one job's scan gives each report
    "@AFTER@": "    if: github.event_name != 'pull_request'\n",
    "@DOWNLOAD@\n": "",
    "@FIX-NAME@": "heal --scan --fix --select CATEGORY",
    "@FIX-RUN@\n": """\
          rc=0
          heal --scan --fix --select "$CATEGORY" --output-format json \\
            --output-file heal-fix.json || rc=$?
          if [ "$rc" -eq 2 ]; then exit 2; fi
""",
    "@SCAN-RUN@\n": """\
          rc=0
          heal --scan --output-format json --output-file heal-scan.json || rc=$?
          if [ "$rc" -eq 2 ]; then exit 2; fi
""",
}
SHARDED = {  # the shard jobs' reports and patches merged (matrix.py)
    "@AFTER@": "    needs: shard\n    if: github.event_name != 'pull_request'\n",
    "@FIX-NAME@": "heal merge --fix --select CATEGORY (its shards' patches applied)",
    "@FIX-RUN@\n": """\
          for patch in @FOLDER@/heal-"$CATEGORY"-shard-*.patch; do
            if [ -s "$patch" ]; then git apply "$patch"; fi
          done
          heal merge heal-fix.json --fix --select "$CATEGORY" --format json \\
            @FOLDER@/heal-"$CATEGORY"-shard-*.json
""",
    "@SCAN-RUN@\n": """\
          heal merge heal-scan.json --format json @FOLDER@/heal-scan-shard-*.json
""",
}


def jobs(*, close_after_days: int, sharded: bool = False) -> str:
    """The jobs' text, from one scan (`sharded`: from the shard jobs' artifacts); the workflow's
    own placeholders (@checkout@, @INSTALL@, @DOWNLOAD@...) are filled by init.render with the
    rest of the template."""
    text = JOBS.replace("@CATEGORIES@", ", ".join(CATEGORIES))
    for key, value in (SHARDED if sharded else SINGLE).items():
        text = text.replace(key, value)
    return text.replace("@FIELDS@", PR_FIELDS).replace("@CLOSE@", str(close_after_days))
