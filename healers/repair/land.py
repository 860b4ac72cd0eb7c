"""A queued repair from the person's side: named by id in `heal approve` / `heal reject`, applied
through the writer with the write-ahead audit (so `heal undo` takes it back), rejected with the
reason kept, or committed on a branch `heal/repair-<id>` (never the current one)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from healers import source, tools, write
from healers.errors import CommandError
from healers.options import Options
from healers.project import Project
from healers.report.diff import unified
from healers.state import audit, repairs
from healers.state.journal import Ahead
from healers.tools.branch import BranchError, commit_on_branch

if TYPE_CHECKING:
    from healers.llm.client import Provider

MIN_PREFIX = 4
RULE = "repair"  # how the audit trail names a model-proposed repair


def provider(opts: Options) -> Provider:
    from healers.llm import propose  # `openai` is an optional extra

    return propose.provider(opts)


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


def _who(proj: Project) -> str:
    who = tools.git_identity(proj.repo)
    if not who:
        raise CommandError("git config user.name is not set: a decision must name who made it")
    return who


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
        for path, target, old, new in planned:
            write.replace(target, new, expected=old, repo=proj.repo, journal=journal)
            records.append(_record(e, path, old, new, run_id, who))
            blobs[write.sha256(old)] = old
    audit.append(proj.state_dir, records, blobs)
    return ""


def approve(opts: Options, entries: Sequence[repairs.Entry]) -> bool:
    """Apply each repair; True when every one was applied."""
    proj, who = opts.project, _who(opts.project)
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
    who = _who(opts.project)
    for e in entries:
        repairs.decide(opts.project.state_dir, e.id, repairs.REJECTED, who, reason)
        print(f"{e.id}  repair of {e.test}: rejected ({reason})")


def commit(opts: Options, entries: Sequence[repairs.Entry]) -> list[str]:
    """Each repair committed on `heal/repair-<id>` over HEAD, when HEAD holds the bytes it was
    proven on; the notes say what was committed or why not."""
    proj, notes = opts.project, []
    for e in entries:
        branch = f"heal/repair-{e.id}"
        files: dict[str, bytes] = {}
        for (path, digest), (_, text) in zip(e.before, e.after, strict=True):
            rel = (proj.root / path).relative_to(proj.repo).as_posix()
            committed = tools.git_committed(proj.repo, rel)
            if committed is None or write.sha256(committed) != digest:
                notes.append(f"{e.id}: not committed: {path} differs from HEAD (commit it first)")
                break
            files[rel] = source.encode(source.read_source(committed), text)
        else:
            message = f"heal repair: {e.test}\n\n{e.message}\n\n" + "\n".join(
                f"- {c}" for c in e.checks
            )
            try:
                commit_on_branch(proj.repo, branch, files, message)
            except BranchError as exc:
                notes.append(f"{e.id}: not committed on {branch}: {exc}")
                continue
            repairs.put(proj.state_dir, {e.id: replace(e, branch=branch)})
            notes.append(f"{e.id}: committed on branch {branch} (the current branch is unchanged)")
    return notes
