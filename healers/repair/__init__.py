"""`heal repair`: run the tests, ask the model for a patch per failing test, prove each patch in a
scratch copy with the whole suite, and queue what holds for `heal pending`. The entry point is
`run(opts)`, which `heal repair` and `heal watch --tests` call."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healers.options import Options


def run(opts: Options, *, test_cmd: str | None = None) -> int:
    """One repair round for the project of `opts`: the test command is `test_cmd`, else
    `opts.test_cmd` (--test-cmd), else `[tool.healers] verify-cmd`, else `python -m pytest -q`.
    Prints the report (`opts.output_format` text or json); returns the exit code: 0 no test
    fails, 1 tests fail (repairs queued or not), 2 a usage, configuration or provider error is
    raised as the exception cli.main reports (UsageError, ConfigError, ProviderError)."""
    from healers.repair import loop  # the model's client and the suite runner load on demand

    return loop.main(opts, test_cmd)
