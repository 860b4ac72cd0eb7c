"""Running an analyzer or the project's own command: exit codes checked, output captured, a
timeout or an interrupt never leaves a process behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess  # nosec B404 - this module is the one place heal starts processes
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TypeVar

from healers.tools import python

T = TypeVar("T")
NOT_INSTALLED = ("ImportError: No module named", "ModuleNotFoundError: No module named")


class AnalyzerError(RuntimeError):
    """An analyzer is missing, crashed or printed something heal cannot read: never a clean run."""

    def __init__(self, tool: str, reason: str, stderr: str = "", *, crashed: bool = False) -> None:
        detail = stderr.strip().splitlines()[-12:]
        super().__init__(f"{tool}: {reason}" + ("".join(f"\n    {d}" for d in detail)))
        self.tool = tool
        self.reason = reason
        self.crashed = crashed  # killed by a signal: a file can be to blame, not the setup


def not_its_output(tool: str, output: str, why: Exception) -> AnalyzerError:
    """Output that is not the tool's (a module that shadows it, a wrapper that prints something
    else): the run fails, it never reads as "no findings"."""
    shown = output.strip()[:200] or "(nothing)"
    return AnalyzerError(tool, f"printed output that is not {tool}'s JSON ({why})", shown)


_STARTED: set[subprocess.Popen[str]] = set()  # the analyzers and workers running now
_LOCK = threading.Lock()
_STOPPING = threading.Event()  # set on an interrupt: nothing new starts, what runs is killed


@contextlib.contextmanager
def tracked(proc: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """Keep `proc` where an interrupt finds it (`kill_started`); after one, it is killed at once
    and nothing new runs."""
    with _LOCK:
        _STARTED.add(proc)
    try:
        if _STOPPING.is_set():
            proc.kill()
            raise KeyboardInterrupt("heal is stopping")
        yield proc
    finally:
        with _LOCK:
            _STARTED.discard(proc)


def kill_started() -> None:
    """An interrupt (Ctrl-C, SIGTERM): every analyzer and worker still running is killed, so
    heal stops now, not when they finish."""
    _STOPPING.set()
    with _LOCK:
        running = list(_STARTED)
    for proc in running:
        with contextlib.suppress(OSError):
            proc.kill()


@dataclass(frozen=True)
class Completed:
    tool: str
    returncode: int
    stdout: str
    stderr: str


def run_tool(
    tool: str,
    args: Sequence[str],
    *,
    cwd: Path,
    ok: Sequence[int],
    timeout: float = 600,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Completed:
    """Run `python -m TOOL ARGS` with heal's own interpreter, the project off sys.path (see
    python.argv), `stdin` as its input (else none); exit codes other than `ok` are errors.
    `env` adds to the environment."""
    cmd = python.argv(tool, args)
    if _STOPPING.is_set():
        raise KeyboardInterrupt("heal is stopping")
    proc = subprocess.Popen(  # nosec B603 - argv list from heal itself, no shell
        cmd,
        cwd=cwd,
        stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", **(env or {})},
    )
    with tracked(proc):
        try:
            stdout, stderr = proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AnalyzerError(tool, f"did not finish within {timeout:.0f} s") from None
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    if _STOPPING.is_set():  # killed by the interrupt: not a crash to isolate
        raise KeyboardInterrupt("heal is stopping")
    missing = [line for line in stderr.splitlines() if line.startswith(NOT_INSTALLED)]
    if missing and proc.returncode != 0:  # the tool or one of its dependencies
        raise AnalyzerError(tool, f"is not installed for {sys.executable}", missing[-1])
    if proc.returncode not in ok:
        # mypy prints its fatal errors on stdout; show whichever stream explains the failure
        said = stderr if stderr.strip() else stdout
        crashed = proc.returncode < 0
        raise AnalyzerError(tool, f"exited with code {proc.returncode}", said, crashed=crashed)
    return Completed(tool, proc.returncode, stdout, stderr)


def run_command(
    command: str, *, cwd: Path, timeout: float, env: Mapping[str, str] | None = None
) -> Completed:
    """Run the project's own command (`--verify-cmd`, `heal repair`'s tests) through the shell,
    stdout and stderr merged; `env` adds to the environment.

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
        env={**os.environ, **env} if env else None,
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

    def __exit__(self, kind: object, *exc: object) -> None:
        if isinstance(kind, type) and issubclass(kind, (KeyboardInterrupt, SystemExit)):
            kill_started()  # an interrupt: the jobs' processes are not waited for
        self._pool.shutdown(wait=True, cancel_futures=True)

    def start(self, job: Callable[[Sequence[str]], T], paths: Sequence[str]) -> Future[T]:
        return self._pool.submit(job, paths)


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Within the block SIGTERM raises KeyboardInterrupt, so the same cleanup runs: temp files
    removed, unverified fixes taken back, the audit trail written; then exit 130."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    _STOPPING.clear()  # a new run (tests run heal again in one process)
    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
