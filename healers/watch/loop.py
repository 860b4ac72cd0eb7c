"""The watcher: batches of saved files from watchfiles, each healed and reported as a short block.
It ends on `heal watch --stop`, `heal stop`, SIGTERM or SIGINT within a second (a batch that
runs is interrupted: the engine takes its unverified pass back), every file whole."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import watchfiles

from healers import catalogue, config, tools, verify
from healers.options import Options
from healers.state import control
from healers.watch import batch, block, lock, saved, suite

STEP_MS = 50  # this long without a new save closes a batch
DEBOUNCE_MS = 1_600  # the longest a batch gathers saves while they keep coming
ARMED_MS = 200  # watchfiles yields nothing after this long: then the watcher is surely armed
POLL = 0.1  # seconds between two looks at the stop flags while a batch runs
# what one batch may fail with and the watcher survive (the next save tries again)
BATCH_ERRORS = (
    config.ConfigError,
    catalogue.CatalogueError,
    tools.AnalyzerError,
    verify.VerifyError,
    ValueError,  # a selector in [tool.healers] that names nothing (UsageError), a bad file
    OSError,  # the write lock timed out, a file that cannot be read
)


class Stop:
    """watchfiles' stop_event, asked every STEP_MS while it waits (and by the Monitor while a
    batch runs): `heal stop` or `heal watch --stop`; a signal sets `why` itself."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.why = ""

    def is_set(self) -> bool:
        if not self.why:
            if control.stopped(self.state_dir):
                self.why = control.why_stopped(self.state_dir)
            elif lock.requested(self.state_dir):
                self.why = "heal watch --stop"
        return bool(self.why)


class Monitor(threading.Thread):
    """While a batch runs, looks at the stop flags every POLL seconds and, once one is raised,
    interrupts the main thread with SIGTERM (which heal turns into KeyboardInterrupt)."""

    def __init__(self, stop: Stop) -> None:
        super().__init__(name="heal-watch-monitor", daemon=True)
        self.stop = stop
        self.busy = threading.Event()
        self.done = threading.Event()
        self.main = threading.main_thread().ident or 0

    def run(self) -> None:
        while not self.done.wait(POLL):
            if self.busy.is_set() and self.stop.is_set():
                self.busy.clear()
                signal.pthread_kill(self.main, signal.SIGTERM)


def _say(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()  # a block is read as it comes (an editor's panel, a pipe)


def _batch(opts: Options, paths: Iterable[str], memory: saved.Seen, notes: block.Notes) -> str:
    """Heal the saved files among `paths`; the block to print ("" when none was to heal)."""
    root, watched = opts.project.root, Path(opts.watch_path)
    read = saved.chosen(paths, root=root, watched=watched, conf=opts.config, seen=memory)
    if not read:
        return ""
    try:
        done = batch.heal(opts, tuple(sorted(read)))
    except BATCH_ERRORS as exc:  # not remembered: the same bytes saved again are tried again
        return f"heal watch: error: {exc}\n"
    saved.remember(memory, root, read, done.written())
    text = block.render(done, notes, fixing=opts.fix)
    return text + (suite.run(opts) if opts.tests else "")


def watch(opts: Options) -> int:
    """Watch until stopped; 0 when it ended as asked (a signal too), else an error raised."""
    watched = Path(opts.watch_path)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with lock.held(opts.project.root, watched) as stale:
            if stale is not None:
                _say(f"heal watch: took over the lock of pid {stale.pid}, which no longer runs\n")
            why = _loop(opts, watched)
    finally:
        signal.signal(signal.SIGINT, previous)
    _say(f"heal watch: stopped ({why})\n")
    return 0


def _loop(opts: Options, watched: Path) -> str:
    """Batch after batch until a stop; why it ended."""
    stop = Stop(opts.project.state_dir)
    monitor = Monitor(stop)
    memory, notes = saved.Seen(), block.Notes()
    armed = False
    monitor.start()
    try:
        for changes in watchfiles.watch(
            watched,
            watch_filter=lambda change, path: saved.wanted(int(change), path),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            rust_timeout=ARMED_MS,
            yield_on_timeout=True,  # an empty batch: the first says the watcher is armed
            raise_interrupt=True,
        ):
            if stop.is_set():
                break
            if not armed:  # the first yield, empty or not: the watcher is armed
                armed = True
                _say(
                    f"heal watch: watching {watched} (pid {os.getpid()}); "
                    "`heal watch --stop`, `heal stop` or Ctrl-C ends it\n"
                )
            if not changes:
                continue
            monitor.busy.set()
            try:
                text = _batch(opts, (path for _, path in changes), memory, notes)
            finally:
                monitor.busy.clear()
            _say(text)
    except KeyboardInterrupt:
        return stop.why or "interrupted: a signal"
    finally:
        monitor.done.set()
    return stop.why or "the watched folder is gone"
