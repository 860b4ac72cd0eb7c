"""The one writer: every file heal changes (fixes, rollbacks, undo, its own state) is replaced
atomically through `write_atomic`, a project file only through `replace`, which first checks it
still holds what heal read; `locked` keeps two heal runs from writing at once."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from healers import folder, source
from healers.finding import FileState
from healers.folder import Folder


class WriteError(OSError):
    """A write that failed and left the original file untouched; `errno` is the cause's, if any.

    A subclass of OSError so that callers handling I/O errors in general also handle this one.
    """


class Changed(OSError):
    """The file on disk is no longer the one heal read: someone else wrote it meanwhile."""


TEMP_PREFIX, TEMP_SUFFIX = ".heal-", ".tmp"  # heal's temp files, beside the file they replace


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the timeout (TimeoutError is an OSError)."""


def write_atomic(
    path: Path, data: bytes, *, root: Path, still: Callable[[], bool] | None = None
) -> None:
    """Replace the file at `path` with `data`: readers see the old bytes or the new, never half.

    A symlink is written through, to its target, and only when that target is inside `root`; the
    link itself stays a link. Any path resolving outside `root` is refused. The file keeps its
    permission bits, owner (where allowed) and extended attributes. `still()` is asked once more
    after the new bytes are on disk, just before the rename: False (someone saved the file
    meanwhile) gives the write up with Changed. On any error the original is left untouched and
    no temp file remains; OSError becomes WriteError, KeyboardInterrupt and SystemExit propagate.
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
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
        _write_all(fd, data)
        os.fsync(fd)
        _copy_metadata(fd, target)
        os.close(fd)
        fd = -1
        if still is not None and not still():
            raise Changed(f"{path}: changed on disk while heal wrote it")
        os.replace(tmp, target)
        tmp = ""
    except BaseException as exc:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, Changed):
            error = WriteError(f"{path}: {exc.strerror or exc}")
            error.errno = exc.errno
            raise error from exc
        raise
    _fsync_directory(target.parent)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # os.write may write less than asked
        view = view[os.write(fd, view) :]


def write_in(place: Folder, name: str, data: bytes) -> None:
    """Replace the file `name` in one of heal's own folders atomically; a link there (or a
    hard-linked file) is refused, never replaced or followed."""
    if place.plain(name) and os.stat(name, dir_fd=place.fd, follow_symlinks=False).st_nlink > 1:
        raise folder.StateError(f"{place.path / name} has other hard links; heal will not write it")
    tmp = f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"
    fd = place.open_fd(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        _write_all(fd, data)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, name, src_dir_fd=place.fd, dst_dir_fd=place.fd)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            place.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        os.fsync(place.fd)


def append_in(place: Folder, name: str, data: bytes, *, durable: bool = True) -> None:
    """Append to the file `name` in one of heal's own folders (made when missing), never through
    a link; `durable` waits until the bytes are on disk."""
    fd = place.open_fd(name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        _write_all(fd, data)
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)


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
    _copy_xattrs(fd, target)


def _copy_xattrs(fd: int, target: Path) -> None:
    """Extended attributes (a macOS quarantine flag's Linux cousins, user.*, ACLs) survive the
    rewrite; one the filesystem or our privileges refuse is left out, the write goes on."""
    if not hasattr(os, "listxattr"):  # not Linux
        return
    try:
        names = os.listxattr(target)
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            os.setxattr(fd, name, os.getxattr(target, name))


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
    The state folder and the lock are opened without following links.
    """
    with folder.opened(state_dir, create=True) as place:
        fd = place.open_fd("lock", os.O_RDWR | os.O_CREAT, 0o644)
    lock = state_dir / "lock"
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


def remove_leftovers(folders: Iterable[Path]) -> list[str]:
    """Temp files a killed heal left beside the files it wrote (`.heal-*.tmp`); call under
    `locked`, so no running heal is still writing one. Returns the paths removed."""
    removed = []
    for place in folders:
        try:
            entries = list(os.scandir(place))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    if entry.is_file(follow_symlinks=False):
                        os.unlink(entry.path)
                        removed.append(entry.path)
    return removed


def sha256(data: bytes) -> str:
    """Hex SHA-256 of `data`, for audit records and "changed since it was read" checks."""
    return hashlib.sha256(data).hexdigest()


def report_target(path: Path, repo: Path) -> Path:
    """Where a report (--output-file) may be written: a path outside the repository as given (the
    runner's temp folder, a link there included); inside it, only a path with no link in it (a
    committed `heal.sarif -> ~/.ssh/authorized_keys` would otherwise be overwritten)."""
    full = Path(os.path.normpath(path.absolute()))
    if full != repo and repo not in full.parents:
        return full
    part = full
    while part != repo:
        if part.is_symlink():
            raise WriteError(
                f"{path}: {part} is a symbolic link inside the repository; "
                "heal writes a report there only to a plain file"
            )
        part = part.parent
    return full


def write_report(path: Path, data: bytes, *, repo: Path) -> None:
    """Write a report atomically (never in place) where report_target allows it."""
    target = report_target(path, repo)
    write_atomic(target, data, root=repo if repo in target.parents else Path(target.anchor))


class Journal(Protocol):
    """The write-ahead audit (state/journal.Ahead): `before` is on disk before the file is
    replaced, `after` follows the rename."""

    def before(self, path: Path, old: bytes, new: bytes) -> None: ...

    def after(self, path: Path) -> None: ...


class AuditError(OSError):
    """The write-ahead record could not be written: the file was not written either, and the
    run stops (exit 2) rather than write what it cannot take back."""


def replace(path: Path, data: bytes, *, expected: bytes, repo: Path, journal: Journal) -> None:
    """Write `data` over the project file at `path`, only while it still holds `expected` (what
    heal read, or last wrote): checked before, and again after the new bytes are on disk and just
    before the rename, so an editor's save meanwhile is not lost. The journal records the write
    first. Call under `locked`. Raises Changed, AuditError, or WriteError with the file
    untouched."""

    def still() -> bool:
        try:
            return path.read_bytes() == expected
        except OSError:
            return False

    if not still():
        raise Changed(f"{path}: changed on disk")
    try:
        journal.before(path, expected, data)
    except OSError as exc:
        raise AuditError(f"cannot record the write of {path} ahead: {exc}") from None
    write_atomic(path, data, root=repo, still=still)
    journal.after(path)


def write_text(state: FileState, text: str, *, root: Path, repo: Path, journal: Journal) -> str:
    """Write `text` over the project file `state` was read from, in its own encoding, unless it
    changed on disk since; "" when written, else why not. Call under `locked`. AuditError goes
    on up: nothing may be written that is not on record."""
    try:
        data = source.encode(state.source, text)
        replace(root / state.path, data, expected=state.data, repo=repo, journal=journal)
    except Changed:
        return "changed on disk during the run; left alone"
    except AuditError:
        raise
    except (OSError, source.SourceError) as exc:
        return f"not written: {exc}"
    return ""
