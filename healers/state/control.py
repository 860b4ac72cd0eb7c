"""The emergency stop: `.heal/stop`, a flag file every writing run obeys (`heal stop`, `heal
resume`)."""

from __future__ import annotations

import os
from pathlib import Path

from healers import write
from healers.state import audit

STOP = "stop"


def stopped(state_dir: Path) -> bool:
    return (state_dir / STOP).exists()


def why_stopped(state_dir: Path) -> str:
    try:
        said = (state_dir / STOP).read_text(encoding="utf-8").strip()
    except OSError:
        said = ""
    return f"heal is stopped ({said or 'heal stop'}); `heal resume` lets runs write again"


def stop(state_dir: Path, reason: str) -> None:
    """Raise the emergency stop (not under the lock: a running heal may hold it for long, and the
    stop must be instant)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    said = f"heal stop at {audit.now_iso()} by pid {os.getpid()}"
    said += f": {reason}" if reason else ""
    write.write_atomic(state_dir / STOP, (said + "\n").encode("utf-8"), root=state_dir)


def resume(state_dir: Path) -> bool:
    """Lift the emergency stop; False when there was none."""
    if not stopped(state_dir):
        return False
    (state_dir / STOP).unlink()
    return True
