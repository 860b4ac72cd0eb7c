"""The generated workflow's pull-request job, run untrusted (HEAL_UNTRUSTED=1, a read-only token,
only the pinned heal installed): by default a report-only check of the whole project; with
`--pr-check`, the hook's gate on the lines the pull request changes (`heal --scan --since` the
merge base), so what a `git commit --no-verify` let past the hook fails the check."""

from __future__ import annotations

HEADER = {
    False: "# Each pull request also gets a report-only check that runs none of its code "
    "(HEAL_UNTRUSTED=1).\n",
    True: "# Each pull request gets a check that runs none of its code (HEAL_UNTRUSTED=1) and "
    "fails on what\n# the pre-commit hook refuses on the lines it changes (hold the line, "
    "`--since` the merge base).\n",
}

JOB = """\

  @ID@:
    name: @NAME@
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
    env:
      # the pull request's code is not trusted: no mypy plugins, no verify-cmd, no cache from the
      # repository (docs/security.md in healers)
      HEAL_UNTRUSTED: "1"
    steps:
"""

REPORT_ONLY = """\
@SETUP-UNTRUSTED@
      - name: heal --scan (report only, as annotations)
        run: |
          rc=0
          heal --scan --output-format github || rc=$?
          # 1 findings left (shown as annotations); 3 a finding waits for a human; 2 an error
          if [ "$rc" -eq 2 ] || [ "$rc" -eq 3 ]; then exit "$rc"; fi
"""

GATE = """\
@SETUP-HISTORY@
      - name: heal --scan --since the merge base (fails on what the hook refuses)
        env:
          BASE_REF: ${{ github.base_ref }}
        run: |
          # the lines this pull request changes: the checkout (its merge commit) against the
          # commit it branched from on the base branch; older findings elsewhere are held
          base=$(git merge-base "origin/$BASE_REF" HEAD)
          # exit 1: a finding on a changed line (an annotation each), 3: one waits for a human,
          # 2: an error; any of them fails the check, as the hook would have refused the commit
          heal --scan --since "$base" --output-format github
"""


def job(*, gate: bool) -> str:
    """The pull-request job's text: the gate (job `pr-check`) or the report-only `check`."""
    if gate:
        named = {"@ID@": "pr-check", "@NAME@": "heal pr-check (the hook's gate, untrusted)"}
    else:
        named = {"@ID@": "check", "@NAME@": "heal check (pull request, untrusted)"}
    text = JOB + (GATE if gate else REPORT_ONLY)
    for key, value in named.items():
        text = text.replace(key, value)
    return text
