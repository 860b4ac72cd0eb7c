"""heal's state in a project's `.heal/`: approvals.toml and baseline.json (meant to be committed),
the audit trail, learned trust and the emergency stop (ignored by the .gitignore heal writes)."""

from __future__ import annotations

from pathlib import Path

IGNORED = (
    *("audit.jsonl", "stats.sqlite", "cache/", "lock", "blobs/", "stop"),
    *("proposals.json", "patterns.sqlite"),  # --propose's queue, the pattern store
)
HEADER = "# written by heal: run state that is not meant to be committed\n"
GITIGNORE = HEADER + "\n".join((*IGNORED, ""))


def ensure(root: Path) -> Path:
    """The project's .heal/ folder, made with its .gitignore when missing."""
    state = root / ".heal"
    state.mkdir(exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    else:
        _complete(ignore)
    return state


def _complete(ignore: Path) -> None:
    """A .gitignore an older heal wrote gets the names it did not know yet (a file a person
    wrote, without heal's header, is left as it is)."""
    try:
        text = ignore.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    missing = [name for name in IGNORED if name not in text.splitlines()]
    if missing and text.startswith(HEADER):
        ignore.write_text(text.rstrip("\n") + "\n" + "\n".join((*missing, "")), encoding="utf-8")
