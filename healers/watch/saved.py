"""Which saved files a batch heals: Python files under the watched folder, not in heal's state or
a virtual environment, not ignored by git or `[tool.healers] exclude`, and not as heal last saw
them (its own writes, a save that changed nothing)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from healers import project, source, tools, write
from healers.config import Config
from healers.paths import relative

ADDED, MODIFIED = 1, 2  # watchfiles.Change values; a deleted file is nothing to heal
KEPT = 10_000  # files whose last bytes are remembered; past that the memory starts again


def wanted(change: int, path: str) -> bool:
    """watchfiles' filter, before a batch is formed: a Python file added or modified, in no
    folder heal never looks in (.heal/, .git/, virtual environments, caches)."""
    if change not in (ADDED, MODIFIED) or not path.endswith(project.PY_SUFFIXES):
        return False
    parts = path.split(os.sep)
    return not any(p in project.SKIP_DIRS for p in parts[:-1])


class Seen:
    """The digest of each file's bytes as heal last read or wrote them: a save that leaves a
    file so (heal's own write, the same text saved again) starts no batch."""

    def __init__(self) -> None:
        self.digests: dict[str, str] = {}

    def same(self, rel: str, data: bytes) -> bool:
        return self.digests.get(rel) == write.sha256(data)

    def remember(self, rel: str, data: bytes) -> None:
        if len(self.digests) >= KEPT and rel not in self.digests:
            self.digests.clear()  # bounded: at worst one batch too many, never a loop
        self.digests[rel] = write.sha256(data)


def chosen(
    paths: Iterable[str], *, root: Path, watched: Path, conf: Config, seen: Seen
) -> dict[str, bytes]:
    """The files a batch heals (relative to root -> the bytes read now), in one `git
    check-ignore` call for all of them."""
    inside: list[str] = []
    for path in sorted(set(paths)):
        full = Path(path)
        if not full.is_relative_to(watched) or not full.is_file():
            continue
        rel = relative(path, str(root))
        if not rel.startswith("../") and not project.excluded(rel, conf.exclude):
            inside.append(rel)
    left_out = tools.ignored(root, inside)
    read: dict[str, bytes] = {}
    for rel in inside:
        if rel in left_out:
            continue
        data = _now(root / rel)
        if data is not None and not seen.same(rel, data):
            read[rel] = data
    return read


def remember(seen: Seen, root: Path, read: dict[str, bytes], written: Mapping[str, str]) -> None:
    """After a batch: each file as it was read, and a file heal wrote as heal wrote it (its
    bytes now, if they still decode to what heal wrote: else the editor saved meanwhile and
    that save is the next batch's)."""
    for rel, data in read.items():
        seen.remember(rel, data)
    for rel, text in written.items():
        now = _now(root / rel)
        if now is not None and _decoded(now) == text:
            seen.remember(rel, now)


def _now(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # gone again, or unreadable: the next save tells


def _decoded(data: bytes) -> str | None:
    try:
        return source.read_source(data).text
    except source.SourceError:
        return None
