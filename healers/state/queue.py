"""A queue of model-proposed changes under .heal/ (JSON, git-ignored), entries by key, each
waiting for a person's decision: read without following a link, written whole under heal's
lock. `.heal/proposals.json` (--propose) and `.heal/repairs.json` (heal repair) are two."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from healers import folder, write
from healers.state import audit

VERSION = 1
WAITING, APPROVED, REJECTED = "waiting", "approved", "rejected"
E = TypeVar("E")


class QueueError(ValueError):
    """A queue file under .heal/ exists but is not heal's queue."""


def values_of(raw: Any, where: str, kind: type, required: set[str], what: str) -> dict[str, Any]:
    """A stored row's values of `kind`'s fields (keys it does not know are dropped: a newer
    heal's); QueueError when the row lacks one of `required`."""
    if not isinstance(raw, dict) or not required <= raw.keys():
        raise QueueError(f"{where}: an entry is not a {what}")
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in raw.items() if k in names}


@dataclass(frozen=True)
class Queue(Generic[E]):
    name: str  # the file under .heal/
    what: str  # "proposals", "repairs": for messages
    read: Callable[[Any, str], E]  # one stored row -> an entry (QueueError when it is not one)
    key: Callable[[E], str]
    order: Callable[[E], Any]  # how the file lists them

    def load(self, state_dir: Path) -> dict[str, E]:
        """Entries by key; {} when there is no queue yet."""
        path = state_dir / self.name
        try:
            with folder.opened(state_dir) as place:  # no link under .heal/ is followed
                raw = place.read(self.name)
            if raw is None:
                return {}
            data = json.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise QueueError(f"{path}: cannot read: {exc} (delete it to drop the queue)") from None
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise QueueError(f"{path}: not heal's queue of {self.what}")
        entries = (self.read(row, str(path)) for row in data["entries"])
        return {self.key(e): e for e in entries}

    def _save(self, state_dir: Path, entries: Mapping[str, E]) -> None:
        rows = [asdict(e) for e in sorted(entries.values(), key=self.order)]  # type: ignore[call-overload]  # E is a dataclass
        text = json.dumps({"version": VERSION, "entries": rows}, indent=1, ensure_ascii=False)
        write.write_atomic(state_dir / self.name, (text + "\n").encode("utf-8"), root=state_dir)

    def put(self, state_dir: Path, new: Mapping[str, E]) -> None:
        """Add or replace entries: re-read under heal's lock (another run may have written)."""
        if not new:
            return
        with write.locked(state_dir):
            self._save(state_dir, {**self.load(state_dir), **new})

    def decide(self, state_dir: Path, key: str, decision: str, who: str, reason: str = "") -> E:
        """Record a person's decision on an entry; returns the entry as decided."""
        with write.locked(state_dir):
            entries = self.load(state_dir)
            entry: Any = entries[key]
            decided: E = replace(
                entry, decision=decision, who=who, decided=audit.now_iso(), reason=reason
            )
            self._save(state_dir, {**entries, key: decided})
        return decided
