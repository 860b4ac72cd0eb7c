"""Path helpers shared by the parsers and the engine: repo-relative POSIX paths."""

from __future__ import annotations

import os
import posixpath


def relative(path: str, root: str) -> str:
    """`path` (absolute, or relative to `root`) as a normalized POSIX path relative to `root`."""
    full = path if os.path.isabs(path) else os.path.join(root, path)
    rel = os.path.relpath(os.path.normpath(full), os.path.normpath(root))
    return posixpath.normpath(rel.replace(os.sep, "/"))
