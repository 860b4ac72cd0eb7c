"""heal's state in a project's `.heal/`: approvals.toml and baseline.json (meant to be committed),
the audit trail, learned trust and the emergency stop (ignored by the .gitignore heal writes)."""

from __future__ import annotations

from pathlib import Path

from healers import folder, write

GITIGNORE = "# written by heal: run state that is not meant to be committed\n" + "\n".join(
    ("audit.jsonl", "stats.sqlite", "cache/", "lock", "blobs/", "stop", "")
)


def ensure(root: Path) -> Path:
    """The project's .heal/ folder, made with its .gitignore when missing; neither is followed
    if it is a link."""
    state = root / ".heal"
    with folder.opened(state, create=True) as place:
        if not place.plain(".gitignore"):
            write.write_in(place, ".gitignore", GITIGNORE.encode("utf-8"))
    return state
