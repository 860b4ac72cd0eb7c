"""One watcher per project: `.heal/watch.lock` held (flock) while it runs, its pid and folder in
`.heal/watch.json`, and `.heal/watch.stop`, the request `heal watch --stop` leaves for it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from healers import folder, state, write
from healers.errors import UsageError

LOCK, INFO, REQUEST = "watch.lock", "watch.json", "watch.stop"
RACE = 0.5  # seconds a starting watcher waits for a `--status` that holds the lock to let go


@dataclass(frozen=True)
class Holder:
    """The watcher that holds the lock: its pid, when it started, the folder it watches."""

    pid: int
    started: float
    path: str


def _read_holder(state_dir: Path) -> Holder | None:
    try:
        with folder.opened(state_dir) as place:
            data = json.loads(place.read(INFO) or b"{}")
        return Holder(int(data["pid"]), float(data["started"]), str(data["path"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _lock_fd(state_dir: Path, *, create: bool) -> int | None:
    try:
        with folder.opened(state_dir, create=create) as place:
            return place.open_fd(LOCK, os.O_RDWR | (os.O_CREAT if create else 0))
    except FileNotFoundError:
        return None


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def held(root: Path, watched: Path) -> Iterator[Holder | None]:
    """Hold the project's watch lock while the block runs; yields the holder before this one
    when its lock was stale (it died: flock let go with it). A watcher that runs is a usage
    error: one line, with its pid. The lock file is never deleted (see write.locked)."""
    state_dir = state.ensure(root)
    fd = _lock_fd(state_dir, create=True)
    assert fd is not None  # nosec B101 - created above
    try:
        deadline = time.monotonic() + RACE
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                other = _read_holder(state_dir)
                who = f" (pid {other.pid}, watching {other.path})" if other else ""
                raise UsageError(
                    f"a watcher already runs for {root}{who}; `heal watch --stop` ends it"
                )
            time.sleep(0.05)
        stale = _read_holder(state_dir)
        me = {"pid": os.getpid(), "started": time.time(), "path": str(watched)}
        with folder.opened(state_dir) as place:
            if place.plain(REQUEST):
                place.unlink(REQUEST)  # a request left for a watcher that is gone
            write.write_in(place, INFO, (json.dumps(me) + "\n").encode("utf-8"))
        try:
            yield stale
        finally:
            with folder.opened(state_dir) as place, contextlib.suppress(OSError):
                for name in (INFO, REQUEST):
                    if place.plain(name):
                        place.unlink(name)
    finally:
        os.close(fd)  # closing the only descriptor lets the lock go


def holder(state_dir: Path) -> Holder | None:
    """The watcher that runs for the project, or None. Probing takes the lock for an instant
    (flock has no test-only call); a watcher starting meanwhile waits RACE for it."""
    fd = _lock_fd(state_dir, create=False) if os.path.isdir(state_dir) else None
    if fd is None:
        return None
    try:
        if _try_lock(fd):
            return None
        return _read_holder(state_dir) or Holder(0, 0.0, "?")
    finally:
        os.close(fd)


def requested(state_dir: Path) -> bool:
    """Has `heal watch --stop` asked the watcher to end?"""
    return os.path.lexists(state_dir / REQUEST)


def request_stop(state_dir: Path, *, wait: float = 10.0) -> Holder | None:
    """Ask the watcher to end and wait until it has let its lock go (no signal is sent: a pid
    may have been reused, a request file reaches only the watcher). None when none runs;
    TimeoutError when it is still running after `wait` seconds."""
    running = holder(state_dir)
    if running is None:
        return None
    with folder.opened(state_dir) as place:
        write.write_in(place, REQUEST, f"heal watch --stop by pid {os.getpid()}\n".encode())
    deadline = time.monotonic() + wait
    while holder(state_dir) is not None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the watcher (pid {running.pid}) still runs after {wait:g} s")
        time.sleep(0.05)
    return running
