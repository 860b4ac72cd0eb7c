"""The only door to subprocesses: the analyzers, git, the project's own command, the worker."""

from __future__ import annotations

from healers.tools.run import (
    AnalyzerError,
    Background,
    Completed,
    git_files,
    git_identity,
    run_command,
    run_tool,
    run_worker,
)

__all__ = [
    "AnalyzerError",
    "Background",
    "Completed",
    "git_files",
    "git_identity",
    "run_command",
    "run_tool",
    "run_worker",
]
