"""The first steps every job of the generated workflows shares, written once: the checkout (no
credentials left on disk), Python, and heal from its pinned source; each job adds its own lines."""

from __future__ import annotations

from collections.abc import Sequence

NO_CREDENTIALS = "persist-credentials: false"
INDENT = " " * 6  # a step of a job: `jobs:` > the job > `steps:` > `- ...`


def setup(*, checkout: Sequence[str] = (NO_CREDENTIALS,), install: str = "") -> str:
    """actions/checkout with the job's own `with:` lines, setup-python, and the pinned install;
    `install` is a comment on the install step (why it installs only heal)."""
    lines = [
        "- uses: @checkout@",
        "  with:",
        *(f"    {line}" for line in checkout),
        "- uses: @setup-python@",
        "  with:",
        '    python-version: "@PYTHON@"',
        "- name: Install heal" + (f"  # {install}" if install else ""),
        "  run: |",
        "    python -m pip install @INSTALL@",
    ]
    return "".join(f"{INDENT}{line}\n" for line in lines)


PUSHES = NO_CREDENTIALS + "  # create-pull-request sets up its own credentials"
ONLY_HEAL = "only heal; installing the pull request's requirements runs its code"
# The placeholders a job template names on a line of their own, and what each becomes.
SETUPS = {
    "@SETUP@": setup(),
    "@SETUP-PUSH@": setup(checkout=(PUSHES,)),
    "@SETUP-UNTRUSTED@": setup(install=ONLY_HEAL),
    "@SETUP-HISTORY@": setup(
        # git merge-base needs both sides' history; actions/checkout fetches every branch with it
        checkout=(NO_CREDENTIALS, "fetch-depth: 0  # the base branch and the merge base"),
        install=ONLY_HEAL,
    ),
}


def fill(text: str) -> str:
    """The template with each setup placeholder line replaced by its steps."""
    for key, steps in SETUPS.items():
        text = text.replace(f"{key}\n", steps)
    return text
