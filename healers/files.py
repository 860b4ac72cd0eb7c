"""Reading and writing source files byte-exactly and atomically."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import re
import tempfile
import time
import tokenize
from collections.abc import Iterator
from pathlib import Path

from healers.finding import Source

# Only these end a line in Python source; str.splitlines() would also split on \f, \v, \x1c, ...
_LINE_END = re.compile(r"\r\n|\r|\n")
NEWLINES = ("\n", "\r\n", "\r")


class SourceError(ValueError):
    """A file heal cannot read as Python source (undecodable, binary)."""


class WriteError(OSError):
    """A write that failed and left the original file untouched; `errno` is the cause's, if any.

    A subclass of OSError so that callers handling I/O errors in general also handle this one.
    """


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the timeout (TimeoutError is an OSError)."""


def read_source(data: bytes) -> Source:
    """Decode a file's bytes the way Python would, keeping every line ending as it is."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise SourceError(f"contains a NUL byte at offset {nul} (binary file?)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        problem = ""
    except SyntaxError as exc:  # an unknown codec, or a cookie that contradicts the BOM
        encoding, problem = "utf-8", str(exc.msg)
    try:
        if b"#\n".decode(encoding) != "#\n":  # CPython refuses these too (utf-16, ...)
            raise SourceError(f"{encoding} is not an ASCII-compatible encoding")
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        # utf-8-sig reports offsets after the BOM it stripped; count from the file's first byte.
        offset = exc.start + len(data) - len(exc.object)
        raise SourceError(f"not valid {encoding}: {exc.reason} at offset {offset}") from None
    except LookupError:  # e.g. "# coding: rot13", a str-to-str codec
        raise SourceError(f"{encoding} is not a text encoding") from None
    if problem:
        raise SourceError(problem)
    source = Source(text=text, encoding=encoding, newline=_dominant_newline(text))
    if encode(source, text) != data:  # e.g. utf-7 or unicode_escape: several spellings of one text
        raise SourceError(f"{encoding} does not round-trip this file byte-exactly")
    return source


def _dominant_newline(text: str) -> str:
    counts: dict[str, int] = {}  # in order of first appearance
    for match in _LINE_END.finditer(text):
        counts[match[0]] = counts.get(match[0], 0) + 1
    # max() keeps the earliest of equals, so a tie goes to the ending seen first. (libcst's
    # Module.default_newline is always the first line's ending, even when it is the odd one out.)
    return max(counts, key=counts.__getitem__, default="\n")


def encode(source: Source, text: str) -> bytes:
    """`text` as bytes in the encoding `source` was read with (utf-8-sig writes the BOM back)."""
    try:
        return text.encode(source.encoding)
    except UnicodeEncodeError as exc:
        line = len(_LINE_END.findall(text, 0, exc.start)) + 1
        char, codec = exc.object[exc.start], source.encoding
        raise SourceError(f"{char!r} on line {line} cannot be encoded in {codec}") from None


def match_newlines(inserted: str, newline: str) -> str:
    """Give every line ending in text a fix inserts the file's own `newline`."""
    if newline not in NEWLINES:
        raise ValueError(f"not a line ending: {newline!r}")
    return _LINE_END.sub(newline, inserted)


def sha256(data: bytes) -> str:
    """Hex SHA-256 of `data`, for audit records and "changed since it was read" checks."""
    return hashlib.sha256(data).hexdigest()


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
