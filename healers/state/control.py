"""The emergency stop: `.heal/stop`, a flag file every writing run obeys (`heal stop`, `heal
resume`)."""

from __future__ import annotations

import os
from pathlib import Path

from healers import folder, write
from healers.state import audit

STOP = "stop"


def stopped(state_dir: Path) -> bool:
    """Is the emergency stop raised? A `.heal/stop` that is a link counts as raised (fail
    closed), and so does a state folder heal cannot open."""
    return os.path.lexists(state_dir / STOP) or (
        os.path.lexists(state_dir) and not state_dir.is_dir()
    )


def why_stopped(state_dir: Path) -> str:
    try:
        with folder.opened(state_dir) as place:
            said = (place.read(STOP) or b"").decode("utf-8", "replace").strip()
    except OSError:
        said = ""
    return f"heal is stopped ({said or 'heal stop'}); `heal resume` lets runs write again"


def stop(state_dir: Path, reason: str) -> None:
    """Raise the emergency stop (not under the lock: a running heal may hold it for long, and the
    stop must be instant)."""
    said = f"heal stop at {audit.now_iso()} by pid {os.getpid()}"
    said += f": {reason}" if reason else ""
    with folder.opened(state_dir, create=True) as place:
        write.write_in(place, STOP, (said + "\n").encode("utf-8"))


def resume(state_dir: Path) -> bool:
    """Lift the emergency stop; False when there was none."""
    if not stopped(state_dir):
        return False
    with folder.opened(state_dir) as place:
        place.unlink(STOP)  # a link named stop is removed, its target left alone
    return True
