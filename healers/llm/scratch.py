"""The scratch copy where patches are tried: the project's tracked tree copied to a temporary
folder, so the analyzers and the verify command run there and the project is never touched."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from healers import analyze, classify, policy, state, tools, trust
from healers.options import Options

FindingCounts = Counter[str]  # tool-prefixed code -> findings of it in one file


def copy_project(source: Path, files: Sequence[str], dest: Path) -> None:
    """The files git tracks or would track under `source` (else `files`), without .heal/, copied
    to `dest`; a link is copied as the link it is, never followed."""
    for rel in tools.git_files(source, source) or list(files):
        if rel.split("/", 1)[0] == ".heal":
            continue
        src, dst = source / rel, dest / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        elif src.is_file():
            shutil.copy2(src, dst)


class Scratch:
    """One run's scratch copy (a context manager: the folder is removed on leaving)."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.proj = opts.project
        self.cache = state.ensure(self.proj.root) / "cache" / "mypy-propose"
        self._tmp = ""
        self.root = Path()
        self._baselines: dict[str, FindingCounts] = {}
        self._verify_code: int | None = None
        self.notes: list[str] = []
        self._stack = ExitStack()
        self.setup: analyze.Setup | None = None

    def __enter__(self) -> Scratch:
        self._tmp = tempfile.mkdtemp(prefix="heal-propose-")
        self.root = Path(self._tmp, "project")
        self.root.mkdir()
        copy_project(self.proj.root, self.proj.files, self.root)
        copy = replace(self.proj, repo=self.root, root=self.root)
        # as the run's own analyzers: under --untrusted, mypy without plugins and a fresh cache
        self.setup = self._stack.enter_context(
            trust.analyzers(
                copy,
                untrusted=self.opts.untrusted,
                cache_dir=None if self.opts.untrusted else self.cache,
                notes=self.notes,
            )
        )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def put(self, path: str, data: bytes) -> None:
        """Set a file of the copy (a link there is replaced by a plain file: never followed)."""
        target = self.root / path
        if target.is_symlink():
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def findings(self, path: str) -> FindingCounts:
        """The findings in one file of the copy as heal's run reports them, counted by code."""
        copy = replace(self.proj, repo=self.root, root=self.root, files=(path,))
        assert self.setup is not None  # nosec B101 - set on entering the context
        states, found = analyze.analyze(copy, [path], self.setup, timeout=self.opts.timeout)
        outcomes = classify.classify(
            found, states, policy.Context(), select=self.opts.select, ignore=self.opts.ignore
        )
        return Counter(o.finding.code for o in outcomes if o.finding.path == path)

    def baseline(self, path: str, data: bytes) -> FindingCounts:
        """The file's findings before any patch (once per file and run)."""
        if path not in self._baselines:
            self.put(path, data)
            self._baselines[path] = self.findings(path)
        return self._baselines[path]

    def verify_baseline(self) -> int:
        """The verify command's exit code on the copy before any patch (run once per run)."""
        if self._verify_code is None:
            command = self.opts.verify_cmd
            done = tools.run_command(command, cwd=self.root, timeout=self.opts.verify_timeout)
            self._verify_code = done.returncode
            if done.returncode != 0:
                how = (
                    "patches must keep that exit code"
                    if self.opts.verify_baseline_failing
                    else ("it was not used to check patches")
                )
                self.notes.append(
                    f"`{command}` fails in the scratch copy before any patch "
                    f"(exit {done.returncode}); {how}"
                )
        return self._verify_code

    def run_verify(self) -> tuple[bool, str]:
        """The verify command on the copy as it is now, a patch applied: (passes, what to say).
        Call verify_baseline() first, before the patch is applied."""
        command, baseline = self.opts.verify_cmd, self.verify_baseline()
        if baseline != 0 and not self.opts.verify_baseline_failing:
            return True, f"verify-cmd not used: `{command}` fails without the patch too"
        done = tools.run_command(command, cwd=self.root, timeout=self.opts.verify_timeout)
        if done.returncode in (0, baseline):
            return True, f"verify-cmd `{command}` passes"
        tail = "\n".join(done.stdout.strip().splitlines()[-15:])
        return False, f"`{command}` fails with the patch (exit {done.returncode}):\n{tail}"
