"""The queue of model-proposed fixes, .heal/proposals.json (git-ignored): each entry a patch
that passed every check, waiting for `heal approve` or `heal reject`; an entry is void once its
file's content hash changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healers import write
from healers.state.queue import APPROVED, REJECTED, WAITING, Queue, QueueError, values_of

QUEUE = "proposals.json"
__all__ = ["APPROVED", "REJECTED", "WAITING", "Entry", "QueueError"]


@dataclass(frozen=True)
class Entry:
    """One model-proposed fix of one finding, checked in a scratch copy."""

    fingerprint: str
    rule: str
    code: str
    path: str
    line: int
    message: str
    file_sha256: str  # the file's bytes the patch was made for and checked against
    diff: str  # heal's own unified diff of the change (not the model's text)
    after: str  # the file's whole text with the patch: what approve writes, byte for byte
    checks: tuple[str, ...]  # the checks it passed, in order
    model: str
    prompt_hash: str
    patterns: tuple[int, ...] = ()  # the stored patterns its prompt showed
    tries: int = 1
    when: str = ""
    decision: str = WAITING  # waiting | approved | rejected
    who: str = ""
    decided: str = ""  # when
    reason: str = ""


def path_of(state_dir: Path) -> Path:
    return state_dir / QUEUE


def _entry(raw: Any, where: str) -> Entry:
    values = values_of(raw, where, Entry, {"fingerprint", "path", "after"}, "proposal")
    values["checks"] = tuple(values.get("checks", ()))
    values["patterns"] = tuple(values.get("patterns", ()))
    return Entry(**values)


_QUEUE: Queue[Entry] = Queue(
    QUEUE, "proposals", _entry, lambda e: e.fingerprint, lambda e: (e.path, e.line)
)


def load(state_dir: Path) -> dict[str, Entry]:
    """Entries by fingerprint; {} when nothing was ever proposed."""
    return _QUEUE.load(state_dir)


def put(state_dir: Path, new: Mapping[str, Entry]) -> None:
    """Add or replace entries: re-read under heal's lock (another run may have written)."""
    _QUEUE.put(state_dir, new)


def decide(state_dir: Path, fingerprint: str, decision: str, who: str, reason: str = "") -> Entry:
    """Record a person's decision on an entry; returns the entry as decided."""
    return _QUEUE.decide(state_dir, fingerprint, decision, who, reason)


def void(entry: Entry, root: Path) -> str:
    """ "" while the entry's file still holds the bytes its patch was checked against, else why
    the entry no longer counts."""
    try:
        data = (root / entry.path).read_bytes()
    except OSError:
        return "its file is gone"
    if write.sha256(data) != entry.file_sha256:
        return "its file changed since the patch was checked"
    return ""


def waiting(state_dir: Path, root: Path) -> list[Entry]:
    """The entries that wait for a decision and still hold, in path and line order."""
    return [
        e
        for e in sorted(load(state_dir).values(), key=lambda e: (e.path, e.line))
        if e.decision == WAITING and not void(e, root)
    ]
