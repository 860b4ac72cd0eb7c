"""What a file heal replaces keeps of the old one (mode, owner, extended attributes), and the one
thing it must not keep: a modification time in the same whole second."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def copy_metadata(fd: int, target: Path) -> None:
    """The old file's permission bits, owner (where allowed) and extended attributes."""
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


def next_second(fd: int, target: Path) -> None:
    """Give the new file a modification time in another whole second than the file it replaces.
    mypy's cache (and Python's .pyc files) trust a file whose size and whole-second mtime are
    unchanged: a same-size fix written within the second the old text was saved in (`any` ->
    `Any`) would be read as the old text by the next pass, by verification and by pytest."""
    try:
        old = target.stat().st_mtime_ns
    except OSError:  # a new file: nothing to tell it apart from
        return
    new = os.fstat(fd)
    if new.st_mtime_ns // 10**9 == old // 10**9:
        os.utime(fd, ns=(new.st_atime_ns, (old // 10**9 + 1) * 10**9))
