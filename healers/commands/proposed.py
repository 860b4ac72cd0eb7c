"""Model-proposed fixes in `heal pending`, `approve` and `reject`: the queue's entries named by
fingerprint, shown with their diff and checks, applied through the normal fix pass (writer,
verify command, audit trail), or rejected with the reason recorded."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from healers import engine, snippets, tools
from healers.commands.decisions import MIN_PREFIX
from healers.errors import CommandError
from healers.finding import Patch
from healers.options import Options
from healers.project import Project
from healers.state import patterns, proposals, repairs, stats
from healers.state.proposals import Entry


def split(proj: Project, ids: Sequence[str]) -> tuple[list[Entry], list[str]]:
    """The waiting model-proposed fixes the ids name (a unique prefix will do), and the ids
    left for the findings heal's own policy gates."""
    entries = [e for e in proposals.load(proj.state_dir).values() if e.decision == "waiting"]
    picked: list[Entry] = []
    rest: list[str] = []
    for wanted in ids:
        hits = [e for e in entries if e.fingerprint.startswith(wanted)]
        if len(wanted) < MIN_PREFIX or not hits:
            rest.append(wanted)
            continue
        if len(hits) > 1:
            names = ", ".join(e.fingerprint for e in hits)
            raise CommandError(f"{wanted}: ambiguous, matches {names}")
        why = proposals.void(hits[0], proj.root)
        if why:
            raise CommandError(
                f"{wanted}: the model-proposed fix no longer holds ({why}); ask again with "
                "`heal --scan --propose`"
            )
        if hits[0] not in picked:
            picked.append(hits[0])
    return picked, rest


def decider(proj: Project) -> str:
    who = tools.git_identity(proj.repo)
    if not who:
        raise CommandError("git config user.name is not set: a decision must name who made it")
    return who


def describe(e: Entry) -> str:
    used = f", {len(e.patterns)} stored pattern(s) shown" if e.patterns else ""
    tries = "" if e.tries == 1 else f", on try {e.tries}"
    body = "".join(f"    {line}" for line in e.diff.splitlines(keepends=True))
    fp = e.fingerprint
    return (
        f"{fp}  {e.code} [{e.rule}]  {e.path}:{e.line}  model-proposed\n    {e.message}\n"
        f"    proposed by {e.model} (prompt {e.prompt_hash}{used}{tries}) on {e.when[:10]}\n"
        f"    checks passed: {', '.join(e.checks)}\n    proposed fix:\n{body}"
        f'    heal approve {fp}    or    heal reject {fp} --reason "..."\n'
    )


def describe_repair(e: repairs.Entry) -> str:
    body = "".join(f"    {line}" for line in e.diff.splitlines(keepends=True))
    branch = f"\n    committed on branch {e.branch}" if e.branch else ""
    return (
        f"{e.id}  repair of {e.test}  model-proposed\n    {e.message}\n"
        f"    proposed by {e.model} (prompt {e.prompt_hash}, attempt {e.attempts}, "
        f"{e.suite_runs} suite run(s)) on {e.when[:10]}; touches {', '.join(e.paths)}{branch}\n"
        f"    test evidence: {'; '.join(e.checks)}\n    proposed repair:\n{body}"
        f'    heal approve {e.id}    or    heal reject {e.id} --reason "..."\n'
    )


def repair_row(e: repairs.Entry) -> dict[str, Any]:
    keys = ("id", "test", "message", "diff", "model", "command", "attempts", "suite_runs", "branch")
    return {**{k: getattr(e, k) for k in keys}, "files": list(e.paths), "checks": list(e.checks)}


def row(e: Entry) -> dict[str, Any]:
    keys = ("fingerprint", "rule", "code", "path", "line", "message", "diff", "model")
    return {
        **{k: getattr(e, k) for k in keys},
        "prompt_hash": e.prompt_hash,
        "checks": list(e.checks),
        "patterns": list(e.patterns),
        "tries": e.tries,
        "proposed": e.when,
    }


def approve(opts: Options, entries: Sequence[Entry]) -> bool:
    """Apply the patches through the same fix pass as --fix (only those findings, only while
    their files hold the bytes the patches were checked on); True when every one was applied."""
    proj = opts.project
    who = decider(proj)
    patches = {
        e.fingerprint: Patch(
            e.fingerprint, e.path, e.file_sha256, e.after, e.model, e.prompt_hash, who
        )
        for e in entries
    }
    files = tuple(sorted({e.path for e in entries}))
    done = engine.run(
        replace(
            opts,
            project=replace(proj, files=files),
            fix=True,
            only=frozenset(patches),
            propose=False,
            patches=patches,
        )
    )
    fixed = {o.fingerprint for o in done.outcomes if o.status == "fixed"} & set(patches)
    for note in done.notes:
        print(f"heal: note: {note}", file=sys.stderr)
    for e in entries:
        where = f"{e.fingerprint}  {e.code} {e.path}:{e.line}"
        if e.fingerprint in done.rolled_back:  # written, then taken back by verification
            patterns.used(proj.state_dir, e.patterns, e.fingerprint, "rolled-back")
            print(f"{where}: model-proposed fix rolled back: verification failed (see the notes)")
            continue
        if e.fingerprint not in fixed:
            print(f"{where}: model-proposed fix NOT applied (see the notes)")
            continue
        proposals.decide(proj.state_dir, e.fingerprint, proposals.APPROVED, who)
        patterns.used(proj.state_dir, e.patterns, e.fingerprint, "kept")
        stats.add(proj.state_dir, {e.rule: {"approved": 1}})
        print(f"{where}: model-proposed fix applied")
        sys.stdout.write(e.diff)
    return fixed == set(patches)


def reject(opts: Options, entries: Sequence[Entry], reason: str) -> None:
    """Record why: the entry is not proposed again for this code, the patch is kept as a
    rejected pattern, and the stored patterns its prompt showed count a failure."""
    proj = opts.project
    who = decider(proj)
    for e in entries:
        proposals.decide(proj.state_dir, e.fingerprint, proposals.REJECTED, who, reason)
        before, after = snippets.from_diff(e.diff)
        pair = snippets.normalize(before, after, snippets.imported(e.after))
        learned = patterns.Learned(
            e.rule, e.code, "model", pair.before, pair.after, "rejected", e.fingerprint
        )
        patterns.add(proj.state_dir, [learned])
        patterns.used(proj.state_dir, e.patterns, e.fingerprint, "rejected")
        stats.add(proj.state_dir, {e.rule: {"rejected": 1}})
        print(
            f"{e.fingerprint}  {e.code} {e.path}:{e.line}: model-proposed fix rejected ({reason})"
        )
