"""The queue of model-proposed repairs, .heal/repairs.json (git-ignored): each entry a patch that
made a failing test pass in a scratch copy without losing a passing test, waiting for `heal
approve` or `heal reject`; an entry is void once one of its files' content hash changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healers import write
from healers.state.queue import APPROVED, REJECTED, WAITING, Queue, QueueError, values_of

QUEUE = "repairs.json"
__all__ = ["APPROVED", "REJECTED", "WAITING", "Entry", "QueueError"]


@dataclass(frozen=True)
class Entry:
    """One model-proposed repair of one failing test, proven in a scratch copy."""

    id: str
    test: str  # pytest's node id, or the test command
    message: str  # the failure it repairs
    before: tuple[tuple[str, str], ...]  # (path, sha256 of the bytes the patch was proven on)
    after: tuple[tuple[str, str], ...]  # (path, the file's whole text with the patch)
    diff: str  # heal's own unified diff of every file
    checks: tuple[str, ...]  # the test evidence, in order
    command: str  # the test command that proved it
    model: str
    prompt_hash: str
    attempts: int = 1
    suite_runs: int = 0
    when: str = ""
    branch: str = ""  # heal/repair-<id> when `--commit` committed it
    decision: str = WAITING
    who: str = ""
    decided: str = ""
    reason: str = ""

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p for p, _ in self.before)


def _entry(raw: Any, where: str) -> Entry:
    values = values_of(raw, where, Entry, {"id", "before", "after"}, "repair")
    for key in ("before", "after"):
        values[key] = tuple((str(p), str(v)) for p, v in values[key])
    values["checks"] = tuple(values.get("checks", ()))
    return Entry(**values)


_QUEUE: Queue[Entry] = Queue(QUEUE, "repairs", _entry, lambda e: e.id, lambda e: (e.when, e.id))


load = _QUEUE.load  # entries by id; {} when nothing was ever queued
put = _QUEUE.put  # add or replace entries, under heal's lock
decide = _QUEUE.decide  # a person's decision, recorded; returns the entry as decided


def void(entry: Entry, root: Path) -> str:
    """ "" while every file still holds the bytes the repair was proven on, else why not."""
    for path, digest in entry.before:
        try:
            data = (root / path).read_bytes()
        except OSError:
            return f"{path} is gone"
        if write.sha256(data) != digest:
            return f"{path} changed since the repair was proven"
    return ""


def waiting(state_dir: Path, root: Path) -> list[Entry]:
    """The entries that wait for a decision and still hold, oldest first."""
    entries = sorted(load(state_dir).values(), key=lambda e: (e.when, e.id))
    return [e for e in entries if e.decision == WAITING and not void(e, root)]
