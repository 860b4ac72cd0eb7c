"""heal's state in a project's `.heal/`: approvals.toml and baseline.json (meant to be committed),
the audit trail, learned trust, the run history, the emergency stop, the queues of model-proposed
fixes and repairs and the pattern store (ignored by the .gitignore heal writes)."""

from __future__ import annotations

from pathlib import Path

from healers import folder, write

HEADER = "# written by heal: run state that is not meant to be committed"
# every store heal keeps in .heal/ that is not meant to be committed; a line missing from an
# existing .heal/.gitignore is added to it (the lines a person added stay as they are)
IGNORED = (
    "audit.jsonl",
    "stats.sqlite",
    "stats.sqlite-*",
    "history.sqlite",
    "history.sqlite-*",
    "history.sqlite.corrupt-*",
    "cache/",
    "lock",
    "blobs/",
    "stop",
    "proposals.json",  # --propose's queue of model-proposed fixes
    "repairs.json",  # heal repair's queue of model-proposed repairs
    "patterns.sqlite",  # the pattern store
    "patterns.sqlite-*",
    "watch.*",  # heal watch: its lock, its pid, a request to stop
)
GITIGNORE = "\n".join((HEADER, *IGNORED, ""))


def gitignore_text(current: str | None) -> str | None:
    """The .gitignore to write: the whole file when there is none, else the current one with the
    missing lines appended; None when nothing is missing."""
    if current is None:
        return GITIGNORE
    present = {line.strip() for line in current.splitlines()}
    missing = [line for line in IGNORED if line not in present]
    if not missing:
        return None
    start = current if not current or current.endswith("\n") else current + "\n"
    return start + "\n".join(missing) + "\n"


def ensure(root: Path) -> Path:
    """The project's .heal/ folder, made with its .gitignore, which is updated in place when a
    store heal keeps is not listed in it; neither is followed if it is a link."""
    state = root / ".heal"
    with folder.opened(state, create=True) as place:
        data = place.read(".gitignore") if place.plain(".gitignore") else None
        # bytes that are not UTF-8 are kept as they are
        current = None if data is None else data.decode("utf-8", "surrogateescape")
        wanted = gitignore_text(current)
        if wanted is not None:
            write.write_in(place, ".gitignore", wanted.encode("utf-8", "surrogateescape"))
    return state
