"""The only place heal starts subprocesses: the analyzers (at once), git, the codemod worker."""

from __future__ import annotations

import os
import queue
import signal
import subprocess  # nosec B404 - this module is the one place heal starts processes
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
WORKER_STARTUP = 10.0  # seconds allowed for the worker to start, on top of a job's timeout


class AnalyzerError(RuntimeError):
    """An analyzer is missing, crashed or printed something heal cannot read: never a clean run."""

    def __init__(self, tool: str, reason: str, stderr: str = "", *, crashed: bool = False) -> None:
        detail = stderr.strip().splitlines()[-12:]
        super().__init__(f"{tool}: {reason}" + ("".join(f"\n    {d}" for d in detail)))
        self.tool = tool
        self.reason = reason
        self.crashed = crashed  # killed by a signal: a file can be to blame, not the setup


@dataclass(frozen=True)
class Completed:
    tool: str
    returncode: int
    stdout: str
    stderr: str


def run_tool(
    tool: str, args: Sequence[str], *, cwd: Path, ok: Sequence[int], timeout: float = 600
) -> Completed:
    """Run `python -m TOOL ARGS` with heal's own interpreter; other exit codes are errors."""
    cmd = [sys.executable, "-m", tool, *args]
    try:
        proc = subprocess.run(  # nosec B603 - argv list from heal itself, no shell
            cmd,
            check=False,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            env={**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"},
        )
    except subprocess.TimeoutExpired:
        raise AnalyzerError(tool, f"did not finish within {timeout:.0f} s") from None
    if "No module named" in proc.stderr and proc.returncode != 0:
        raise AnalyzerError(tool, f"is not installed for {sys.executable}", proc.stderr)
    if proc.returncode not in ok:
        # mypy prints its fatal errors on stdout; show whichever stream explains the failure
        said = proc.stderr if proc.stderr.strip() else proc.stdout
        crashed = proc.returncode < 0
        raise AnalyzerError(tool, f"exited with code {proc.returncode}", said, crashed=crashed)
    return Completed(tool, proc.returncode, proc.stdout, proc.stderr)


def run_command(command: str, *, cwd: Path, timeout: float) -> Completed:
    """Run the project's own command (`--verify-cmd`) through the shell, stdout and stderr merged.

    It runs in its own process group, so a timeout or an interrupt of heal also ends whatever it
    started (pytest's workers, a shell pipeline). A timeout is returncode -1 with a message.
    """
    proc = subprocess.Popen(  # nosec B602 - the user's own command from their configuration
        command,
        shell=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, _ = proc.communicate()
        return Completed("verify-cmd", -1, out + f"\n[heal: timed out after {timeout:g} s]", "")
    except BaseException:  # KeyboardInterrupt, SystemExit from SIGTERM: leave nothing running
        _kill_group(proc)
        proc.wait()
        raise
    return Completed("verify-cmd", proc.returncode, out, "")


def _kill_group(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:  # already gone
        proc.kill()


class Background:
    """Analyzer jobs running at once on threads (each waits on a subprocess), while the caller
    goes on with its own work; leaving the block waits for all of them."""

    def __enter__(self) -> Background:
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="heal-analyzer")
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def start(self, job: Callable[[Sequence[str]], T], paths: Sequence[str]) -> Future[T]:
        return self._pool.submit(job, paths)


def git_files(root: Path, target: Path) -> list[str] | None:
    """Files git tracks or would track under `target` (relative to root), or None outside git."""
    try:
        proc = subprocess.run(  # nosec B603 B607 - git from PATH, as users run it; no shell
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", target],
            cwd=root,
            check=False,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({n for n in names if n})


def run_worker(jobs: Sequence[str], *, timeout: float) -> tuple[list[str], str]:
    """Feed JSON jobs to the codemod worker (`python -m healers.tools.worker`), a result line each.

    Each job gets `timeout` seconds. Returns the result lines received and, when the worker hung or
    died before answering them all, why: the job after the last answered one is the culprit.
    """
    proc = subprocess.Popen(  # nosec B603 - heal's own worker module, no shell
        [sys.executable, "-m", "healers.tools.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    if proc.stdin is None or proc.stdout is None or proc.stderr is None:  # PIPE gives all three
        raise RuntimeError("the codemod worker started without pipes")
    lines: queue.Queue[str | None] = queue.Queue()
    stdin, stdout = proc.stdin, proc.stdout

    def feed() -> None:
        try:
            stdin.write("[" + ",".join(jobs) + "]")
            stdin.close()
        except OSError:  # the worker died early; the reader reports it
            pass

    def read() -> None:
        for line in stdout:
            lines.put(line)
        lines.put(None)

    for target in (feed, read):
        threading.Thread(target=target, daemon=True).start()
    results: list[str] = []
    failure = ""
    while len(results) < len(jobs):
        try:
            # the first answer also waits for Python to start and import libcst
            line = lines.get(timeout=timeout + (WORKER_STARTUP if not results else 0))
        except queue.Empty:
            proc.kill()
            failure = f"timed out after {timeout:g} s"
            break
        if line is None:
            proc.wait()
            failure = f"worker died (exit code {proc.returncode}): {proc.stderr.read()[-300:]}"
            break
        results.append(line)
    proc.kill()
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return results, failure


def git_identity(root: Path) -> str:
    """`Name <email>` from `git config`, the person a recorded decision is attributed to; "" when
    git has no user.name."""
    values = []
    for key in ("user.name", "user.email"):
        try:
            proc = subprocess.run(  # nosec B603 B607 - git from PATH, as users run it; no shell
                ["git", "config", "--get", key],
                cwd=root,
                check=False,
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        values.append(proc.stdout.strip() if proc.returncode == 0 else "")
    name, email = values
    if not name:
        return ""
    return f"{name} <{email}>" if email else name
