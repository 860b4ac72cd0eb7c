"""How heal starts Python: its own interpreter, with neither the working directory nor the project
importable by accident, and every path after `--` in a spelling no tool reads as an option."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import healers

# `python -m TOOL` (and `python -c`) put the working directory first on sys.path, so a
# repository's own `ruff.py` or `mypy/` would run instead of the tool. Python 3.10 has no `-P`,
# and `-I` would also drop PYTHONPATH and the user's site-packages (where `pip install --user`
# puts the tools). So a few lines run first: they take out every entry that means "the current
# directory" (``, relative entries, the directory itself) using only `sys` and `os`, which the
# interpreter imported before any of sys.path was read, and only then import runpy and run the
# module as `-m` would, its arguments unchanged.
_RUNNER = """\
import os, sys
here = os.path.realpath(os.getcwd())
sys.path[:] = [p for p in sys.path if os.path.isabs(p) and os.path.realpath(p) != here]
sys.path += {extra!r}
del os, here
import runpy
sys.argv = sys.argv[1:]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


def argv(module: str, args: Sequence[str] = (), *, heal_itself: bool = False) -> list[str]:
    """`python -m MODULE ARGS` with heal's own interpreter, safely: see _RUNNER. `heal_itself`
    (heal's worker) also finds the healers package this process runs, after everything else."""
    extra = [str(Path(healers.__file__).resolve().parent.parent)] if heal_itself else []
    return [sys.executable, "-c", _RUNNER.format(extra=extra), module, *args]


def operands(paths: Sequence[str]) -> list[str]:
    """`--`, then the paths, each spelled so that no tool can read it as an option or an
    argument file: a relative path starts with `./` (a file named `-ox.py` stays a file, and
    `@x.py` is not mypy's `@FILE`, which argparse expands even after `--`)."""
    return ["--", *(p if p.startswith(("/", "./")) else f"./{p}" for p in paths)]
