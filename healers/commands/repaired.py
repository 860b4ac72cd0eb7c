"""Model-proposed repairs in `heal approve` and `heal reject`: the queue's entries named by id,
applied through the writer with the write-ahead audit (all files or none; `heal undo` takes them
back), or rejected with the reason kept so the same code is not asked about again."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from healers import source, write
from healers.commands.decisions import MIN_PREFIX
from healers.commands.proposed import decider
from healers.errors import CommandError
from healers.options import Options
from healers.project import Project
from healers.report.diff import unified
from healers.state import audit, repairs
from healers.state.journal import Ahead

RULE = "repair"  # how the audit trail names a model-proposed repair


def split(proj: Project, ids: Sequence[str]) -> tuple[list[repairs.Entry], list[str]]:
    """The waiting repairs the ids name (a unique prefix of 4 or more will do), and the ids left."""
    waiting = [e for e in repairs.load(proj.state_dir).values() if e.decision == repairs.WAITING]
    picked: list[repairs.Entry] = []
    rest: list[str] = []
    for wanted in ids:
        hits = [e for e in waiting if e.id.startswith(wanted)] if len(wanted) >= MIN_PREFIX else []
        if not hits:
            rest.append(wanted)
        elif len(hits) > 1:
            raise CommandError(f"{wanted}: ambiguous, matches {', '.join(e.id for e in hits)}")
        elif why := repairs.void(hits[0], proj.root):
            raise CommandError(f"{wanted}: the repair no longer holds ({why}); run `heal repair`")
        elif hits[0] not in picked:
            picked.append(hits[0])
    return picked, rest


def _record(
    e: repairs.Entry, path: str, old: bytes, new: bytes, run_id: str, who: str
) -> dict[str, Any]:
    fix = {
        "fingerprint": e.id,
        "rule": RULE,
        "code": f"test:{e.test}",
        "line": 0,
        "message": e.message,
    }
    return {
        "run": run_id,
        "time": audit.now_iso(),
        "kind": "fix",
        "path": path,
        "rules": [RULE],
        "fixes": [{**fix, "approved_by": who}],
        "rolled_back": [],
        "sha256_before": write.sha256(old),
        "sha256_after": write.sha256(new),
        "diff": unified(path, source.read_source(old).text, source.read_source(new).text),
        "verification": {"command": e.command, "outcome": "not-run", "runs": 0},
        "approved_by": who,
        "repair": {"id": e.id, "test": e.test, "checks": list(e.checks), "model": e.model},
    }


def _apply(opts: Options, e: repairs.Entry, who: str) -> str:
    """Write the repair's files (all, or none when one changed meanwhile); "" or why not."""
    proj = opts.project
    run_id = audit.new_run_id()
    journal = Ahead(proj.state_dir, proj.root, run_id)
    journal.ready()
    planned = []
    for path, text in e.after:
        target = proj.root / path
        old = target.read_bytes()
        planned.append((path, target, old, source.encode(source.read_source(old), text)))
    records, blobs = [], {}
    with write.locked(proj.state_dir):
        if why := repairs.void(e, proj.root):
            return why
        try:
            for path, target, old, new in planned:
                write.replace(target, new, expected=old, repo=proj.repo, journal=journal)
                records.append(_record(e, path, old, new, run_id, who))
                blobs[write.sha256(old)] = old
        except OSError as exc:  # all or nothing: the files written so far are taken back
            for _, target, old, new in planned[: len(records)]:
                write.replace(target, old, expected=new, repo=proj.repo, journal=journal)
            return f"not written: {exc}" + (
                f"; {len(records)} file(s) taken back" if records else ""
            )
    audit.append(proj.state_dir, records, blobs)
    return ""


def approve(opts: Options, entries: Sequence[repairs.Entry]) -> bool:
    """Apply each repair; True when every one was applied."""
    proj, who = opts.project, decider(opts.project)
    applied = True
    for e in entries:
        try:
            why = _apply(opts, e, who)
        except (write.Changed, OSError, source.SourceError) as exc:
            why = f"not written: {exc}"
        if why:
            applied = False
            print(f"{e.id}  repair of {e.test}: NOT applied ({why})")
            continue
        repairs.decide(proj.state_dir, e.id, repairs.APPROVED, who)
        print(f"{e.id}  repair of {e.test}: applied to {', '.join(e.paths)}")
        sys.stdout.write(e.diff)
    return applied


def reject(opts: Options, entries: Sequence[repairs.Entry], reason: str) -> None:
    who = decider(opts.project)
    for e in entries:
        repairs.decide(opts.project.state_dir, e.id, repairs.REJECTED, who, reason)
        print(f"{e.id}  repair of {e.test}: rejected ({reason})")
