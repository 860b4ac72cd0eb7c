"""Emergency stop (`heal stop` / `heal resume`: a flag file every writing run obeys) and
interrupts: SIGTERM ends a run the way Ctrl-C does."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

from healers import config, files, state
from healers.state import audit

STOP = "stop"
EXIT_INTERRUPTED = 130  # what a shell reports for a run ended by SIGINT; pre-commit uses it too


def stopped(state_dir: Path) -> bool:
    return (state_dir / STOP).exists()


def why_stopped(state_dir: Path) -> str:
    try:
        said = (state_dir / STOP).read_text(encoding="utf-8").strip()
    except OSError:
        said = ""
    return f"heal is stopped ({said or 'heal stop'}); `heal resume` lets runs write again"


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Within the block SIGTERM raises KeyboardInterrupt, so the same cleanup runs: temp files
    removed, unverified fixes taken back, the audit trail written; then exit 130."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _root(prog: str, argv: Sequence[str] | None, *, reason: bool) -> tuple[Path, str] | int:
    parser = argparse.ArgumentParser(prog=prog)
    if reason:
        parser.add_argument("reason", nargs="*", help="why (shown to every run refused)")
    args = parser.parse_args(argv)
    try:
        root, _ = state.locate()
    except config.ConfigError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    return root / ".heal", " ".join(getattr(args, "reason", []))


def stop_main(argv: Sequence[str] | None = None) -> int:
    """`heal stop [REASON]`: running heals finish their current file and write no more; new runs
    report but do not write until `heal resume`."""
    found = _root("heal stop", argv, reason=True)
    if isinstance(found, int):
        return found
    state_dir, reason = found
    state_dir.mkdir(parents=True, exist_ok=True)
    said = f"heal stop at {audit.now_iso()} by pid {os.getpid()}"
    said += f": {reason}" if reason else ""
    # not under the lock: a running heal may hold it for a long time, and the stop must be instant
    files.write_atomic(state_dir / STOP, (said + "\n").encode("utf-8"), root=state_dir)
    print(f"heal stopped: no heal run writes in {state_dir.parent} until `heal resume`")
    return 0


def resume_main(argv: Sequence[str] | None = None) -> int:
    """`heal resume`: lift an emergency stop."""
    found = _root("heal resume", argv, reason=False)
    if isinstance(found, int):
        return found
    state_dir, _ = found
    if not stopped(state_dir):
        print("heal was not stopped")
        return 0
    (state_dir / STOP).unlink()
    print("heal resumed: runs may write again")
    return 0
