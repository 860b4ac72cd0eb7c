"""Where a subcommand (log, undo, stats, stop, ...) finds the project and its .heal/ state."""

from __future__ import annotations

from pathlib import Path

from healers import config, project


def locate(cwd: Path | None = None) -> tuple[Path, config.Config]:
    """The project root a run from `cwd` would use, and its configuration (a broken one raises
    ConfigError)."""
    here = (cwd or Path.cwd()).absolute()
    root = project.find_root(here, project.find_repo(here))
    return root, config.load(root / "pyproject.toml", explicit=False)
