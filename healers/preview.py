"""--diff: heal a temporary copy of the project with the engine and report what would change."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from healers import engine, project, state, tools, trust
from healers.finding import Report
from healers.layout import CONFIG_FILES as LAYOUT_FILES
from healers.options import Options
from healers.state import approvals

# the analyzers' config files, and the layout's: --diff must review fixes as --fix does
TOOL_CONFIG_FILES = (*project.TOOL_CONFIG_FILES, *LAYOUT_FILES)


def preview(opts: Options) -> Report:
    """--diff: heal a temporary copy of the project and report what would change; write nothing."""
    proj = opts.project
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="heal-diff-") as tmp:
        shadow = Path(tmp, "project")
        listed = tools.git_files(proj.root, proj.root) or list(proj.files)
        for rel in {*listed, *proj.files, *TOOL_CONFIG_FILES}:
            if (rel.endswith((".py", ".pyi")) or rel in TOOL_CONFIG_FILES) and (
                proj.root / rel
            ).is_file():
                (shadow / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(proj.root / rel, shadow / rel)
        shadow.mkdir(exist_ok=True)
        decided = approvals.load(proj.state_dir)
        if decided:  # the decisions decide what --fix would do
            approvals.record(state.ensure(shadow), decided)
        cache = None
        if not opts.untrusted:  # the project's own cache, when heal can trust it
            cache = trust.mypy_cache(proj, notes, Path(tmp, "mypy-cache"))
        copy = replace(proj, repo=shadow, root=shadow, notes=(*proj.notes, *notes))
        # the copy holds only Python files and configs: the project's own command cannot run there
        shadowed = replace(opts, project=copy, fix=True, verify_cmd="")
        return engine.run(shadowed, cache_dir=cache)
