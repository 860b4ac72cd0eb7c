"""The one writer: every file heal changes (fixes, rollbacks, undo, its own state) is replaced
atomically through `write_atomic`, a project file only through `replace`, which first checks it
still holds what heal read; `locked` keeps two heal runs from writing at once."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from healers import source
from healers.finding import FileState


class WriteError(OSError):
    """A write that failed and left the original file untouched; `errno` is the cause's, if any.

    A subclass of OSError so that callers handling I/O errors in general also handle this one.
    """


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the timeout (TimeoutError is an OSError)."""


def write_atomic(path: Path, data: bytes, *, root: Path) -> None:
    """Replace the file at `path` with `data`: readers see the old bytes or the new, never half.

    A symlink is written through, to its target, and only when that target is inside `root`; the
    link itself stays a link. Any path resolving outside `root` is refused. The file keeps its
    permission bits (and owner, where allowed). On any error the original is left untouched and no
    temp file remains; OSError becomes WriteError, KeyboardInterrupt and SystemExit propagate.
    Hard links are not preserved: the other names keep the old contents.
    """
    try:
        target = path.resolve(strict=path.is_symlink())
    except (OSError, RuntimeError) as exc:  # a dangling link or a loop (RuntimeError before 3.13)
        raise WriteError(f"{path}: cannot resolve symlink: {exc}") from None
    if not target.is_relative_to(root.resolve()):
        what = "symlink points" if path.is_symlink() else "path is"
        raise WriteError(f"{what} outside the repository: {path} -> {target}")
    fd, tmp = -1, ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".heal-", suffix=".tmp", dir=target.parent)
        view = memoryview(data)
        while view:  # os.write may write less than asked
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        _copy_metadata(fd, target)
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
    except BaseException as exc:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            error = WriteError(f"{path}: {exc.strerror or exc}")
            error.errno = exc.errno
            raise error from exc
        raise
    _fsync_directory(target.parent)


def _copy_metadata(fd: int, target: Path) -> None:
    try:
        st = target.stat()
    except FileNotFoundError:  # a new file: the mode open() would give it under the umask
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        # Root running the hook must not leave a contributor's file owned by root.
        with contextlib.suppress(PermissionError):
            os.fchown(fd, st.st_uid, st.st_gid)
    os.fchmod(fd, st.st_mode & 0o7777)  # after fchown, which may clear setuid/setgid


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable. The new contents are already in place, so a failure here
    # is not reported as a failed write.
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def locked(state_dir: Path, *, timeout: float = 60.0) -> Iterator[None]:
    """Hold an exclusive lock on `state_dir/lock` across processes, waiting up to `timeout` seconds.

    flock locks belong to an open file, so a second `locked()` in the same process also waits.
    The lock file is never deleted: unlinking it would let two processes lock different files.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    lock = state_dir / "lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LockTimeout(
                        f"{lock}: still locked by another heal after {timeout:g}s"
                    ) from None
                time.sleep(min(0.05, remaining))
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def sha256(data: bytes) -> str:
    """Hex SHA-256 of `data`, for audit records and "changed since it was read" checks."""
    return hashlib.sha256(data).hexdigest()


class Changed(OSError):
    """The file on disk is no longer the one heal read: someone else wrote it meanwhile."""


def replace(path: Path, data: bytes, *, expected: bytes, repo: Path) -> None:
    """Write `data` over the project file at `path`, only while it still holds `expected` (what
    heal read, or last wrote); call under `locked`. Raises Changed, or WriteError with the file
    untouched."""
    if path.read_bytes() != expected:
        raise Changed(f"{path}: changed on disk")
    write_atomic(path, data, root=repo)


def write_text(state: FileState, text: str, *, root: Path, repo: Path) -> str:
    """Write `text` over the project file `state` was read from, in its own encoding, unless it
    changed on disk since; "" when written, else why not. Call under `locked`."""
    try:
        data = source.encode(state.source, text)
        replace(root / state.path, data, expected=state.data, repo=repo)
    except Changed:
        return "changed on disk during the run; left alone"
    except (OSError, source.SourceError) as exc:
        return f"not written: {exc}"
    return ""
