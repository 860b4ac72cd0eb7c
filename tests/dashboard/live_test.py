"""`heal dashboard` live under a pseudo-terminal: it draws the figures of a known history, redraws
when a run records, and `q` quits."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from healers.state import history
from tests.helpers import NOW, entry, heal_env, make_repo, seen

pytestmark = pytest.mark.slow  # heal end to end, in a child process

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


class Terminal:
    """A child process on a pseudo-terminal of 50 rows by 160 columns; what it drew, as text."""

    def __init__(self, cwd: Path, *args: str) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: heal, its stdin and stdout the terminal
            os.chdir(cwd)
            os.execve(
                sys.executable,
                [sys.executable, "-m", "healers", *args],
                heal_env(TERM="xterm-256color"),
            )
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
        self.pid, self.fd, self.seen = pid, fd, ""

    def read_until(self, pattern: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, ESCAPES.sub("", self.seen)):
                return ESCAPES.sub("", self.seen)
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.seen += os.read(self.fd, 65536).decode("utf-8", "replace")
                except OSError:  # the child closed the terminal
                    break
        raise AssertionError(
            f"{pattern!r} not drawn; the screen had:\n{ESCAPES.sub('', self.seen)[-3000:]}"
        )

    def finish(self, keys: bytes, timeout: float = 30.0) -> int:
        os.write(self.fd, keys)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            with_output, _, _ = select.select([self.fd], [], [], 0.1)
            if with_output:
                with contextlib.suppress(OSError):
                    os.read(self.fd, 65536)
        os.kill(self.pid, 9)
        raise AssertionError("heal dashboard did not quit")


def test_the_live_view_shows_a_known_history_redraws_and_quits_on_q(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": "X = 1\n"})
    state_dir = repo / ".heal"
    state_dir.mkdir()
    fixed = seen("f1", status="fixed", category="import", path="pkg/mod.py", line=12)
    history.record(
        state_dir,
        entry(
            "r1",
            kind="fix",
            started=NOW - 60,
            fixed=1,
            found=3,
            by_category={"import": 3},
            heals=(fixed,),
        ),
    )
    term = Terminal(repo, "dashboard")
    drawn = (r"1 run\(s\) recorded.*q quits", r"last hour\s+100%", r"import\s+3\s+", "mod.py:12")
    for pattern in drawn:
        term.read_until(pattern)
    history.record(state_dir, entry("r2", kind="scan", started=time.time(), found=5))
    term.read_until(r"2 run\(s\) recorded", timeout=5)  # redrawn within the second it waits
    assert term.finish(b"q") == 0


def test_without_a_terminal_it_prints_one_snapshot(tmp_path: Path) -> None:
    from tests.helpers import heal_process

    repo = make_repo(tmp_path / "repo", {"a.py": "X = 1\n"})
    run = heal_process(repo, "dashboard")
    assert run.code == 0 and "No run recorded yet" in run.out and "\x1b[" not in run.out
