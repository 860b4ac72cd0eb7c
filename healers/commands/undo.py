"""`heal undo [RUN_ID]`: put back, byte for byte, the files a run changed (default: the latest run
not yet undone). A file edited since is named and left alone (exit 1)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healers import write
from healers.errors import UsageError
from healers.options import Options
from healers.state import audit, journal
from healers.state.journal import Ahead


def latest(grouped: dict[str, list[dict[str, Any]]], root: Path) -> str | None:
    """The most recent run not undone that changed a file: its record says so, or the file
    holds a text one of the run's writes left (its write-ahead records say what it may have
    written: a run killed before its first rename, or taken back, changed nothing)."""
    undone = {r.get("undoes") for records in grouped.values() for r in records}
    for run_id, records in reversed(grouped.items()):
        if not records or records[0].get("kind", "fix") != "fix" or run_id in undone:
            continue
        for r in records:
            said = not r.get("incomplete") and r["sha256_before"] != r["sha256_after"]
            if said or _current(root / r["path"]) in _written_by(r):
                return run_id
    return None


def _current(path: Path) -> str:
    try:
        return write.sha256(path.read_bytes())
    except OSError:
        return ""


def _written_by(record: dict[str, Any]) -> set[str]:
    """The hashes the file may hold because of this run: its last text, or, for a run killed
    mid-way, any text one of its writes left (the rename may or may not have happened)."""
    return {record["sha256_after"], *record.get("known", ())} - {record["sha256_before"]}


def restore(
    root: Path, repo: Path, records: Sequence[dict[str, Any]], journal: Ahead
) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Restore each file still holding what the run wrote. Returns (restored, problems, records);
    call under heal's lock."""
    state_dir, undo_id = root / ".heal", journal.run_id
    restored: list[str] = []
    problems: list[str] = []
    logged: list[dict[str, Any]] = []
    for record in records:
        rel, before = record["path"], record["sha256_before"]
        try:
            current = (root / rel).read_bytes()
        except OSError as exc:
            problems.append(f"{rel}: cannot be read ({exc.strerror or exc}); left alone")
            continue
        now = write.sha256(current)
        if now == before:
            continue  # unchanged by the run, or already restored
        if now not in _written_by(record):
            problems.append(f"{rel}: edited since heal wrote it; left alone")
            continue
        data = audit.blob(state_dir, before)
        if data is None:
            problems.append(f"{rel}: its saved copy .heal/{audit.BLOBS}/{before} is missing")
            continue
        try:
            write.replace(root / rel, data, expected=current, repo=repo, journal=journal)
        except write.Changed:
            problems.append(f"{rel}: edited since heal wrote it; left alone")
            continue
        except OSError as exc:
            problems.append(f"{rel}: not restored: {exc}")
            continue
        restored.append(rel)
        logged.append(
            {
                "run": undo_id,
                "time": audit.now_iso(),
                "kind": "undo",
                "undoes": record["run"],
                "path": rel,
                "rules": [],
                "fixes": [],
                "rolled_back": [],
                "sha256_before": now,
                "sha256_after": before,
                "diff": "",
                "verification": {"command": "", "outcome": "not-run", "runs": 0},
                "approved_by": "",
            }
        )
    return restored, problems, logged


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("targets", nargs="?", metavar="RUN_ID", help="a run id from `heal log`")


def run(opts: Options) -> int:
    root, state_dir = opts.project.root, opts.project.state_dir
    loaded = audit.load(state_dir)
    for damaged in loaded.damaged:
        print(
            f"heal undo: skipped a damaged record in .heal/{audit.AUDIT}, {damaged}",
            file=sys.stderr,
        )
    grouped = journal.complete(loaded.records)
    run_id = opts.targets[0] if opts.targets else latest(grouped, root)
    if run_id is None:
        print("heal undo: nothing to undo")
        return 0
    if run_id not in grouped or grouped[run_id][0].get("kind", "fix") != "fix":
        raise UsageError(f"no heal run {run_id} in .heal/{audit.AUDIT}")
    ahead = Ahead(state_dir, root, audit.new_run_id(), of="undo")
    ahead.ready()
    with write.locked(state_dir):
        restored, problems, logged = restore(root, opts.project.repo, grouped[run_id], ahead)
    audit.append(state_dir, logged, {})
    if opts.session is not None:  # the run history: which heals were undone
        opts.session.undid([r for r in grouped[run_id] if r["path"] in restored])
    for rel in restored:
        print(f"restored {rel}")
    for problem in problems:
        print(f"heal undo: {problem}", file=sys.stderr)
    print(f"heal undo: {run_id}: {len(restored)} file(s) restored, {len(problems)} left alone")
    return 1 if problems else 0
