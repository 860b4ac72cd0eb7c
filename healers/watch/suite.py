"""`heal watch --tests`: the project's test command after every batch, and a failure handed to
`heal repair`."""

from __future__ import annotations

from healers import tools
from healers.options import Options

DEFAULT = "python -m pytest -q"  # as `heal repair` runs it without a configured command
TAIL = 5  # lines of a failing run's output shown in the block


def command(opts: Options) -> str:
    """--verify-cmd, else `[tool.healers] verify-cmd` (both in opts.verify_cmd), else pytest."""
    return opts.verify_cmd or DEFAULT


def run(opts: Options) -> str:
    """Run the tests once from the project root; the lines for the batch's block."""
    cmd = command(opts)
    done = tools.run_command(cmd, cwd=opts.project.root, timeout=opts.verify_timeout)
    if done.returncode == 0:
        return f"  tests: passed ({cmd})\n"
    shown = [f"    {line}" for line in done.stdout.rstrip().splitlines()[-TAIL:]]
    lines = [f"  tests: failed with exit code {done.returncode} ({cmd})", *shown]
    lines.append(f"  {repair(opts, done)}")
    return "\n".join(lines) + "\n"


def repair(opts: Options, failed: tools.Completed) -> str:
    """Hand the failing run to `heal repair` (which prints its own report: the failures, the
    repairs it queued for `heal pending`); the line for the batch's block. A repair that cannot
    start (no model is configured, --untrusted, a bad setting) costs the repair, not the watcher."""
    from healers import repair as repairing
    from healers.config import ConfigError
    from healers.errors import ProviderError, UsageError

    try:
        code = repairing.run(opts, test_cmd=command(opts))
    except (ConfigError, ProviderError, UsageError) as exc:
        return f"heal repair: error: {exc}"
    if code == 0:
        return "heal repair: the tests pass again"
    return f"heal repair: exit {code}; what it queued waits in `heal pending`"
