"""The errors a command reports as one line: CommandError (exit 1, a request refused, with what to
do instead) and UsageError (exit 2, the request itself is wrong)."""

from __future__ import annotations


class CommandError(ValueError):
    """A request that cannot be carried out: the message says why and what to do instead."""


class UsageError(ValueError):
    """A request that names something that does not exist (a run id, a command's target)."""


class ProviderError(RuntimeError):
    """The model endpoint refused heal or cannot be reached (401, 404, connection refused), or
    `--propose` cannot run (no endpoint configured, the `openai` package missing): exit 2."""
