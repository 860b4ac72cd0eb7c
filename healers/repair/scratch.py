"""The scratch copy where `heal repair` runs the tests and tries patches: the project's files in a
temporary folder, its own code imported first (PYTHONPATH), every patched file put back after."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from healers import tools
from healers.llm.scratch import copy_project
from healers.project import Project

_NOT_COPIED = shutil.ignore_patterns(
    ".heal", ".git", ".venv", "venv", ".tox", ".nox", "__pycache__", ".*_cache", "node_modules"
)


class Copy:
    """`with Copy(project) as copy:` the folder is removed on leaving."""

    def __init__(self, proj: Project) -> None:
        self.proj = proj
        self._tmp = ""
        self.root = Path()
        self._pristine: dict[str, bytes | None] = {}

    def __enter__(self) -> Copy:
        self._tmp = tempfile.mkdtemp(prefix="heal-repair-")
        self.root = Path(self._tmp, "project")
        self.root.mkdir()
        if tools.git_files(self.proj.root, self.proj.root) is None:  # no git: the whole tree
            shutil.rmtree(self.root)
            shutil.copytree(self.proj.root, self.root, symlinks=True, ignore=_NOT_COPIED)
        else:
            copy_project(self.proj.root, self.proj.files, self.root)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)

    @property
    def env(self) -> dict[str, str]:
        """The copy's code ahead of an installed (or editable) copy of the project."""
        roots = [str(self.root / "src")] if (self.root / "src").is_dir() else []
        roots.append(str(self.root))
        old = os.environ.get("PYTHONPATH", "")
        return {"PYTHONPATH": os.pathsep.join([*roots, *([old] if old else [])])}

    def original(self, path: str) -> bytes | None:
        """The file's bytes as copied (None: there was no such file), before any patch."""
        if path not in self._pristine:
            target = self.root / path
            is_file = target.is_file() and not target.is_symlink()
            self._pristine[path] = target.read_bytes() if is_file else None
        return self._pristine[path]

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def restore(self) -> None:
        """Every file a patch touched, as it was copied."""
        for path, data in self._pristine.items():
            target = self.root / path
            if target.is_symlink() or target.exists():
                target.unlink()
            if data is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
