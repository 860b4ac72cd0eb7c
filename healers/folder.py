"""heal's own folders (`.heal/` and those in it) opened without following a link: the folder
with O_NOFOLLOW | O_DIRECTORY, each file in it relative to that descriptor with O_NOFOLLOW. A
repository may commit `.heal -> /elsewhere` or `.heal/audit.jsonl -> ~/.bashrc`; heal refuses."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC
NO_LINKS = "heal does not follow links in its state folder"


class StateError(OSError):
    """heal's state folder, or a file in it, is a link, a hard link or not what heal keeps there.

    An OSError with a message only: `heal: error: <message>`, exit 2.
    """


def problem(path: Path) -> str:
    """Why heal will not use `path` in its state folder ("" when it is missing, a plain file or
    a real folder)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return ""
    if stat.S_ISLNK(st.st_mode):
        return f"{path} is a symbolic link; {NO_LINKS}"
    if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
        return f"{path} is not a regular file or folder"
    return ""


def check(state_dir: Path) -> None:
    """The state folder is missing or a real folder; a file or a link there is an error."""
    said = problem(state_dir)
    if not said and state_dir.exists() and not state_dir.is_dir():
        said = f"{state_dir} is a file, not heal's state folder; move it away"
    if said:
        raise StateError(said)


class Folder:
    """An open folder: a descriptor, and the path it was opened at (for messages)."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    def open_fd(self, name: str, flags: int, mode: int = 0o644) -> int:
        """os.open of a file in this folder that refuses a link (and a hard-linked file when
        writing: writing in place would change the other name's file too)."""
        try:
            fd = os.open(name, flags | NOFOLLOW, mode, dir_fd=self.fd)
        except OSError as exc:
            raise _refused(self.path / name, exc) from None
        if flags & (os.O_WRONLY | os.O_RDWR) and os.fstat(fd).st_nlink > 1:
            os.close(fd)
            raise StateError(f"{self.path / name} has other hard links; heal will not write it")
        return fd

    def read(self, name: str) -> bytes | None:
        """The file's bytes; None when it does not exist."""
        try:
            fd = self.open_fd(name, os.O_RDONLY)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as handle:
            return handle.read()

    def plain(self, name: str) -> bool:
        """True for a regular file, False when missing or a folder; a link (or a device, a
        socket) is StateError. lstat relative to this folder's descriptor."""
        try:
            st = os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return False
        if stat.S_ISLNK(st.st_mode):
            raise StateError(f"{self.path / name} is a symbolic link; {NO_LINKS}")
        if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
            raise StateError(f"{self.path / name} is not a regular file or folder")
        return stat.S_ISREG(st.st_mode)

    def unlink(self, name: str) -> None:
        os.unlink(name, dir_fd=self.fd)

    def names(self) -> list[str]:
        return sorted(os.listdir(self.fd))

    def child(self, name: str, *, create: bool = False) -> Folder:
        """A folder in this one, opened the same way (made first with `create`)."""
        return _open(name, self.path / name, create=create, dir_fd=self.fd)

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _refused(path: Path, exc: OSError) -> OSError:
    if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):
        return StateError(problem(path) or f"{path}: {exc.strerror}")
    return exc


def _open(name: str | Path, path: Path, *, create: bool, dir_fd: int | None) -> Folder:
    if create:
        if dir_fd is None:  # the folders above heal's own are the project's: made as mkdir -p
            path.parent.mkdir(parents=True, exist_ok=True)
        with suppress(FileExistsError):
            os.mkdir(name, 0o755, dir_fd=dir_fd)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | NOFOLLOW, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ENOTDIR and not os.path.islink(path):
            raise StateError(f"{path} is a file, not a folder heal keeps its state in") from None
        raise _refused(path, exc) from None
    return Folder(fd, path)


@contextmanager
def opened(path: Path, *parts: str, create: bool = False) -> Iterator[Folder]:
    """The folder `path/part/part...`, each part opened relative to the one before and none of
    them a link (the folders above `path` are the repository's own); made first with `create`,
    else FileNotFoundError when one is missing."""
    folders = [_open(path, path, create=create, dir_fd=None)]
    try:
        for part in parts:
            folders.append(folders[-1].child(part, create=create))
        yield folders[-1]
    finally:
        for folder in reversed(folders):
            folder.close()


SQLITE_SIDES = ("", "-journal", "-wal", "-shm")  # sqlite's database and the files beside it


def check_database(state_dir: Path, name: str) -> None:
    """sqlite cannot be told O_NOFOLLOW: before a store is opened, the database and its side
    files are checked with lstat in the state folder (itself opened without following a link):
    none may be a link or a file with other hard links."""
    with opened(state_dir, create=True) as place:
        for side in SQLITE_SIDES:
            file = name + side
            if place.plain(file) and os.stat(file, dir_fd=place.fd).st_nlink > 1:
                raise StateError(
                    f"{place.path / file} has other hard links; heal will not write it"
                )
