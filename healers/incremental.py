"""Stage 2 with the findings cache: each per-file tool runs only on the files whose entry missed,
split across the cores when there are many, and what it found is kept for the next run."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import asdict
from pathlib import Path

from healers import cache, prescreen, tools
from healers.finding import FileState, Finding

FILES_PER_PROCESS = 25  # below this, a second bandit (or worker) process costs more than it saves
BYTES_PER_PROCESS = 50_000  # or below this much source (libcst reads it in about half a second)
Job = Callable[[Sequence[str]], list[Finding]]


def read_bytes(
    root: Path, paths: Sequence[str], limit: int
) -> tuple[dict[str, bytes], dict[str, Finding]]:
    """Each file's bytes, read once for the cache keys and the pre-screen (unreadable: left out,
    the pre-screen reports it), and a `heal:file-too-large` finding for each file above `limit`
    bytes ([tool.healers] max-file-size), which no analyzer is given."""
    data: dict[str, bytes] = {}
    large: dict[str, Finding] = {}
    for path in paths:
        with contextlib.suppress(OSError):
            size = (root / path).stat().st_size
            if size > limit:
                message = (
                    f"not analyzed: {size:,} bytes is above max-file-size ({limit:,}); no "
                    "analyzer or fix ran on this file (raise max-file-size in [tool.healers])"
                )
                large[path] = prescreen.heal_finding("file-too-large", path, 1, 1, message)
                continue
            data[path] = (root / path).read_bytes()
    return data, large


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

    if not split:
        return kept, [background.start(run, missed)]
    # largest first, dealt round the parts: each part gets about as many bytes to read
    missed.sort(key=lambda p: -len(data.get(p, b"")))
    parts = _parts(len(missed), sum(len(data.get(p, b"")) for p in missed))
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


def _parts(files: int, size: int) -> int:
    """Processes for a per-file tool: one per core, each with enough files (or bytes: a few
    large files keep a process busy as long as many small ones) to pay its start."""
    enough = max(files // FILES_PER_PROCESS, min(files, size // BYTES_PER_PROCESS))
    return max(1, min(os.cpu_count() or 1, enough))


def chunks(paths: Sequence[str], parts: int) -> list[list[str]]:
    return [list(paths[i::parts]) for i in range(parts) if paths[i::parts]]


def project_key(store: cache.Cache, kind: str, texts: Mapping[str, bytes | str]) -> str:
    """The key of a whole-project result (mypy's run, the import cycles): the tool's stamp and
    every file's path and bytes. "" when there is no cache."""
    if store.place is None or kind not in store.stamps:
        return ""
    return cache.digest(store.stamps[kind], *(x for p in sorted(texts) for x in (p, texts[p])))


def recalled(
    store: cache.Cache, kind: str, key: str, paths: Collection[str], prefix: str
) -> list[Finding] | None:
    """The findings a whole-project result kept under `key`, if each is of one of `paths` and
    its code starts with `prefix`."""
    if not key:
        return None
    value = store.recall(kind, {"project": key}).get("project")
    if not isinstance(value, list):
        return None
    found: list[Finding] = []
    for raw in value:
        one = cache.decode([raw], raw.get("path", "") if isinstance(raw, dict) else "", (prefix,))
        if one is None or one[0].path not in paths:
            return None
        found += one
    return found


def keep(store: cache.Cache, kind: str, key: str, found: Sequence[Finding]) -> None:
    if key and not any(f.code in cache.TRANSIENT for f in found):
        store.remember(kind, {"project": key}, {"project": [asdict(f) for f in found]})


def start_whole(
    background: tools.Background,
    store: cache.Cache,
    job: Job,
    root: Path,
    data: Mapping[str, bytes],
    paths: Sequence[str],
) -> tuple[list[Finding], list[Future[list[Finding]]]]:
    """mypy on `paths`, unless the cache holds its result for the same files given, the same
    bytes in every Python file of the project, the same config and the same environment."""
    if store.place is None:
        return [], [background.start(job, paths)]
    every = project_bytes(root, data)
    key = project_key(store, "mypy", {**every, "\0given": "\0".join(paths)})
    found = recalled(store, "mypy", key, every, "mypy:")
    if found is not None:
        return found, []

    def run(files_: Sequence[str]) -> list[Finding]:
        found = job(files_)
        keep(store, "mypy", key, found)
        return found

    return [], [background.start(run, paths)]


def project_bytes(root: Path, data: Mapping[str, bytes]) -> dict[str, bytes]:
    """`data` and the bytes of every other Python file git lists in the project: mypy reads the
    files it is not given when they are imported, so they are part of its result."""
    every = dict(data)
    for path in tools.git_files(root, root) or ():
        if path.endswith((".py", ".pyi")) and path not in every:
            with contextlib.suppress(OSError):
                every[path] = (root / path).read_bytes()
    return every
