"""The queue of model-proposed fixes, .heal/proposals.json (git-ignored): each entry a patch
that passed every check, waiting for `heal approve` or `heal reject`; an entry is void once its
file's content hash changes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from healers import folder, write
from healers.state import audit

QUEUE = "proposals.json"
VERSION = 1
WAITING, APPROVED, REJECTED = "waiting", "approved", "rejected"


class QueueError(ValueError):
    """.heal/proposals.json exists but is not heal's queue."""


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
    names = {f.name for f in fields(Entry)}
    if not isinstance(raw, dict) or not {"fingerprint", "path", "after"} <= raw.keys():
        raise QueueError(f"{where}: an entry is not a proposal")
    values = {k: v for k, v in raw.items() if k in names}
    values["checks"] = tuple(values.get("checks", ()))
    values["patterns"] = tuple(values.get("patterns", ()))
    return Entry(**values)


def read_rows(state_dir: Path, name: str, what: str) -> list[Any]:
    """The raw entries of one of heal's queues under .heal/ ([] when there is none yet)."""
    path = state_dir / name
    try:
        with folder.opened(state_dir) as place:  # no link under .heal/ is followed
            raw = place.read(name)
        if raw is None:
            return []
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise QueueError(f"{path}: cannot read: {exc} (delete it to drop the queue)") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise QueueError(f"{path}: not heal's queue of {what}")
    return list(data["entries"])


def save_rows(state_dir: Path, name: str, rows: list[dict[str, Any]]) -> None:
    text = json.dumps({"version": VERSION, "entries": rows}, indent=1, ensure_ascii=False)
    write.write_atomic(state_dir / name, (text + "\n").encode("utf-8"), root=state_dir)


def load(state_dir: Path) -> dict[str, Entry]:
    """Entries by fingerprint; {} when nothing was ever proposed."""
    where = str(path_of(state_dir))
    entries = (_entry(raw, where) for raw in read_rows(state_dir, QUEUE, "proposals"))
    return {e.fingerprint: e for e in entries}


def _save(state_dir: Path, entries: Mapping[str, Entry]) -> None:
    rows = [asdict(e) for e in sorted(entries.values(), key=lambda e: (e.path, e.line))]
    save_rows(state_dir, QUEUE, rows)


def put(state_dir: Path, new: Mapping[str, Entry]) -> None:
    """Add or replace entries: re-read under heal's lock (another run may have written)."""
    if not new:
        return
    with write.locked(state_dir):
        _save(state_dir, {**load(state_dir), **new})


def decide(state_dir: Path, fingerprint: str, decision: str, who: str, reason: str = "") -> Entry:
    """Record a person's decision on an entry; returns the entry as decided."""
    with write.locked(state_dir):
        entries = load(state_dir)
        decided = replace(
            entries[fingerprint], decision=decision, who=who, decided=audit.now_iso(), reason=reason
        )
        _save(state_dir, {**entries, fingerprint: decided})
    return decided


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
