"""The worker pool: JSON jobs to `python -m healers.tools.worker` processes, one result each."""

from __future__ import annotations

import json
import os
import queue
import subprocess  # nosec B404 - healers.tools is the one place heal starts processes
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from healers.tools import python
from healers.tools.run import NOT_INSTALLED, AnalyzerError, kill_started, tracked

WORKER_STARTUP = 10.0  # seconds allowed for the worker to start, on top of a job's timeout
WORKER_BATCH = 400  # jobs per worker process: each start imports libcst (about 0.3 s)
JOBS_PER_WORKER = 8  # below this many jobs a second worker costs more than it saves
BYTES_PER_WORKER = 100_000  # or below this much JSON (a job carries its file's text)


def run_jobs(
    payloads: Sequence[str], *, timeout: float, failed: str, parallel: bool = False
) -> list[dict[str, Any] | str]:
    """Worker jobs (JSON) in batches, one decoded result each; a job that hangs or kills its
    worker becomes the string "<failed>: libcst <why>" and the jobs after it get a new worker.
    `parallel`: contiguous parts (a file's jobs stay together, sharing its parse) run in one
    worker per core at once."""
    chunks = _contiguous(payloads) if parallel else [list(payloads)]
    if len(chunks) <= 1:
        return _in_turn(payloads, timeout=timeout, failed=failed)
    with ThreadPoolExecutor(max_workers=len(chunks), thread_name_prefix="heal-worker") as pool:
        try:
            done = pool.map(lambda chunk: _in_turn(chunk, timeout=timeout, failed=failed), chunks)
            return [result for part in done for result in part]
        except (KeyboardInterrupt, SystemExit):
            kill_started()  # the workers are not waited for
            raise


def _contiguous(payloads: Sequence[str]) -> list[list[str]]:
    """One contiguous part per core, of about the same size in bytes, when there are enough
    jobs (or bytes: libcst reads 100 kB in about a second) to pay a second worker's start."""
    total = sum(map(len, payloads))
    enough = max(len(payloads) // JOBS_PER_WORKER, min(len(payloads), total // BYTES_PER_WORKER))
    parts = max(1, min(os.cpu_count() or 1, enough))
    chunks: list[list[str]] = [[]]
    for payload in payloads:
        if sum(map(len, chunks[-1])) >= total / parts and len(chunks) < parts:
            chunks.append([])
        chunks[-1].append(payload)
    return [c for c in chunks if c]


def _in_turn(payloads: Sequence[str], *, timeout: float, failed: str) -> list[dict[str, Any] | str]:
    results: list[dict[str, Any] | str] = []
    while len(results) < len(payloads):
        batch = payloads[len(results) : len(results) + WORKER_BATCH]
        lines, failure = _run_worker(batch, timeout=timeout)
        results += [json.loads(line) for line in lines]
        if failure:
            results.append(f"{failed}: libcst {failure}")
    return results


def _missing_dependency(stderr: str) -> None:
    """A dependency heal's worker needs (libcst) is not installed: an error for the run (exit
    2, naming it), not one failed file after another."""
    for line in stderr.splitlines():
        if line.startswith(NOT_INSTALLED):
            name = line.rpartition("No module named ")[2].strip("'\"")
            raise AnalyzerError(
                "heal's worker", f"{name} is not installed for {sys.executable}", line
            )


def _run_worker(jobs: Sequence[str], *, timeout: float) -> tuple[list[str], str]:
    """Feed JSON jobs to the codemod worker (`python -m healers.tools.worker`), a result line each.

    Each job gets `timeout` seconds. Returns the result lines received and, when the worker hung or
    died before answering them all, why: the job after the last answered one is the culprit.
    """
    proc = subprocess.Popen(  # nosec B603 - heal's own worker module, no shell
        python.argv("healers.tools.worker", heal_itself=True),
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
    with tracked(proc):
        try:
            results, failure = _answers(proc, lines, len(jobs), timeout)
        except BaseException:
            proc.kill()
            raise
    proc.kill()
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return results, failure


def _answers(
    proc: subprocess.Popen[str], lines: queue.Queue[str | None], jobs: int, timeout: float
) -> tuple[list[str], str]:
    """The worker's result lines as they come, and why it stopped early ("" when it did not)."""
    results: list[str] = []
    failure = ""
    while len(results) < jobs:
        try:
            # the first answer also waits for Python to start and import libcst
            line = lines.get(timeout=timeout + (WORKER_STARTUP if not results else 0))
        except queue.Empty:
            proc.kill()
            failure = f"timed out after {timeout:g} s"
            break
        if line is None:
            proc.wait()
            said = proc.stderr.read() if proc.stderr else ""
            _missing_dependency(said)
            failure = f"worker died (exit code {proc.returncode}): {said[-300:]}"
            break
        results.append(line)
    return results, failure
