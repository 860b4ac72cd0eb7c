"""Stage 2 with the findings cache: each per-file tool runs only on the files whose entry missed,
split across the cores when there are many, and what it found is kept for the next run."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path

from healers import cache, prescreen, tools
from healers.finding import FileState, Finding

FILES_PER_PROCESS = 25  # below this, a second bandit (or worker) process costs more than it saves
Job = Callable[[Sequence[str]], list[Finding]]


def read_bytes(root: Path, paths: Sequence[str]) -> dict[str, bytes]:
    """Each file's bytes, read once for the cache keys and the pre-screen (unreadable: left out,
    the pre-screen reports it)."""
    data: dict[str, bytes] = {}
    for path in paths:
        with contextlib.suppress(OSError):
            data[path] = (root / path).read_bytes()
    return data


def start(
    background: tools.Background,
    store: cache.Cache,
    tool: str,
    job: Job,
    data: Mapping[str, bytes],
    paths: Sequence[str],
    *,
    split: bool = False,
) -> tuple[list[Finding], list[Future[list[Finding]]]]:
    """The findings the cache holds for `paths`, and `job` started on the others (in parallel
    chunks with `split`), keeping what it finds."""
    keys = store.keys(tool, {p: data[p] for p in paths if p in data})
    hits = store.load(tool, keys)
    kept = [f for p in paths for f in hits.get(p, ())]
    missed = [p for p in paths if p not in hits]
    if not missed:
        return kept, []

    def run(files_: Sequence[str]) -> list[Finding]:
        found = job(files_)
        store.save(tool, {p: keys[p] for p in files_ if p in keys}, found)
        return found

    parts = _parts(len(missed)) if split else 1
    return kept, [background.start(run, chunk) for chunk in chunks(missed, parts)]


def screen(
    root: Path, paths: Sequence[str], data: Mapping[str, bytes], store: cache.Cache
) -> tuple[dict[str, FileState], list[Finding]]:
    """The pre-screen, with what the cache kept of it for the same bytes and Python."""
    keys = store.keys("screen", data)
    known = store.recall("screen", keys)
    states, early = prescreen.read(root, paths, data, known)
    fresh = {p: r for p, r in prescreen.screened(states, early).items() if p not in known}
    store.remember("screen", keys, fresh)
    return states, early


def _parts(files: int) -> int:
    """Processes for a per-file tool: one per core, each with enough files to pay its start."""
    return max(1, min(os.cpu_count() or 1, files // FILES_PER_PROCESS))


def chunks(paths: Sequence[str], parts: int) -> list[list[str]]:
    return [list(paths[i::parts]) for i in range(parts) if paths[i::parts]]
