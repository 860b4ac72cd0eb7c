"""The only door to subprocesses: the analyzers, git, the project's own command, the worker pool."""

from __future__ import annotations

from healers.tools.git import (
    changed_lines,
    git_committed,
    git_files,
    git_identity,
    ignored,
    is_commit,
    staged_files,
    staged_lines,
    tracked,
)
from healers.tools.jobs import run_jobs
from healers.tools.run import (
    AnalyzerError,
    Background,
    Completed,
    run_command,
    run_tool,
    sigterm_interrupts,
)

__all__ = [
    "AnalyzerError",
    "Background",
    "Completed",
    "changed_lines",
    "git_committed",
    "git_files",
    "git_identity",
    "ignored",
    "is_commit",
    "run_command",
    "run_jobs",
    "run_tool",
    "sigterm_interrupts",
    "staged_files",
    "staged_lines",
    "tracked",
]
