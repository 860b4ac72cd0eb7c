"""The write-ahead part of the audit trail: before heal replaces a project file, the record of
that write and the bytes it replaces are on disk; after the rename the write is marked done. A
run killed in between leaves records that `heal log` and `heal undo` read as an incomplete run."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from healers import folder, write
from healers.paths import relative
from healers.state import audit

WRITE = "write"  # the kind of a write-ahead record


class Ahead:
    """write.Journal for one run: `before()` is durable before the file is replaced (call under
    heal's lock, as every project write is)."""

    def __init__(self, state_dir: Path, root: Path, run_id: str, of: str = "fix") -> None:
        self.state_dir = state_dir
        self.root = root
        self.run_id = run_id
        self.of = of  # the kind of run: "fix" or "undo"
        self.seq = 0

    def ready(self) -> None:
        """Fail now, before any file is written, when the audit trail is a link or `blobs` is
        not a folder (StateError, exit 2), rather than after some files were written."""
        with folder.opened(self.state_dir, create=True) as place:
            place.plain(audit.AUDIT)
            if os.path.lexists(place.path / audit.BLOBS):
                place.child(audit.BLOBS).close()

    def before(self, path: Path, old: bytes, new: bytes) -> None:
        self.seq += 1
        record = {
            **self._head(path),
            "time": audit.now_iso(),
            "state": "pending",
            "sha256_before": write.sha256(old),
            "sha256_after": write.sha256(new),
        }
        with folder.opened(self.state_dir, create=True) as place:
            with place.child(audit.BLOBS, create=True) as store:
                if not store.plain(record["sha256_before"]):
                    write.write_in(store, record["sha256_before"], old)
            write.append_in(place, audit.AUDIT, _line(record))

    def after(self, path: Path) -> None:
        # not waited for: a lost "done" changes nothing, the file's hash tells what happened
        with folder.opened(self.state_dir) as place:
            record = {**self._head(path), "state": "done"}
            write.append_in(place, audit.AUDIT, _line(record), durable=False)

    def _head(self, path: Path) -> dict[str, Any]:
        rel = relative(str(path), str(self.root))
        return {"run": self.run_id, "kind": WRITE, "of": self.of, "seq": self.seq, "path": rel}


def _line(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def complete(records: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Records by run, in the order appended: each file's summary record, which also learns
    every hash the run's writes may have left in the file (`known`: a write interrupted after its
    rename is not in the summary); a file written but without a summary (the run was killed)
    gets one made from its writes, marked `incomplete`."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        grouped.setdefault(record["run"], []).append(record)
    out = {}
    for run_id, found in grouped.items():
        writes: dict[str, list[dict[str, Any]]] = {}
        for record in found:
            if record.get("kind") == WRITE and record.get("state") == "pending":
                writes.setdefault(record["path"], []).append(record)
        kept = []
        for record in found:
            if record.get("kind", "fix") != WRITE:
                seen = writes.pop(record["path"], [])
                kept.append({**record, "known": _known(seen)} if seen else record)
        kept += [_from_writes(run_id, path, pending) for path, pending in writes.items()]
        out[run_id] = kept
    return out


def _known(pending: Sequence[dict[str, Any]]) -> list[str]:
    return sorted({r["sha256_after"] for r in pending} | {r["sha256_before"] for r in pending})


def _from_writes(run_id: str, path: str, pending: Sequence[dict[str, Any]]) -> dict[str, Any]:
    first, last = pending[0], pending[-1]
    return {
        "run": run_id,
        "time": first.get("time", ""),
        "kind": first.get("of", "fix"),
        "path": path,
        "incomplete": True,
        "rules": [],
        "fixes": [],
        "rolled_back": [],
        "sha256_before": first["sha256_before"],
        "sha256_after": last["sha256_after"],
        "known": _known(pending),
        "diff": "",
        "verification": {"command": "", "outcome": "not-run", "runs": 0},
        "approved_by": "",
    }
