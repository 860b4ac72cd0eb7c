"""A queued repair committed on a branch of its own, `heal/repair-<id>` (never the current one),
and the model's client `heal repair` asks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from healers import source, tools, write
from healers.options import Options
from healers.state import repairs
from healers.tools.branch import BranchError, commit_on_branch

if TYPE_CHECKING:
    from healers.llm.client import Provider


def provider(opts: Options) -> Provider:
    from healers.llm import propose  # `openai` is an optional extra

    return propose.provider(opts)


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
