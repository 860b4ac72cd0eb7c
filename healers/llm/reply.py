"""A model's reply read as a patch: the unified diff in it, its headers made git's, and the
lines of the file it changes (compared with what the model was shown)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from healers.report.diff import lines as git_lines

_FENCE = re.compile(r"```[ \t]*(?:diff|patch|udiff)?[ \t]*\n(.*?)```", re.DOTALL)
_START = re.compile(r"^(?:diff --git |--- |@@ )", re.MULTILINE)
# a header without git's a/ and b/ prefixes: `--- src/app.py` (git apply strips one level)
_BARE_HEADER = re.compile(r"^(---|\+\+\+) (?!a/|b/|/dev/null)(\S)", re.MULTILINE)
NO_FIX = "NO FIX"


class NotAPatch(ValueError):
    """The reply holds no unified diff (the message says what it holds instead)."""


def declined(reply: str) -> str:
    """The model's reason when it answered NO FIX (and no diff), else ""."""
    text = reply.strip()
    if not text.upper().startswith(NO_FIX) or "@@" in text:
        return ""
    rest = text[len(NO_FIX) :].strip(" :.-\n")
    return rest.splitlines()[0][:200] if rest else "no reason given"


def extract(reply: str, path: str) -> str:
    """The diff in a reply (a fenced block, or the reply from its first diff line), with
    `--- a/PATH` / `+++ b/PATH` headers added when the model left them out. Raises NotAPatch."""
    blocks = [b for b in _FENCE.findall(reply) if "@@" in b]
    if blocks:
        diff = blocks[0]
    else:
        start = _START.search(reply)
        if start is None or "@@" not in reply[start.start() :]:
            raise NotAPatch("the reply holds no unified diff")
        diff = reply[start.start() :]
    diff = diff.lstrip("\n")
    if not diff.endswith("\n"):
        diff += "\n"
    if diff.startswith("@@"):
        diff = f"--- a/{path}\n+++ b/{path}\n{diff}"
    return _BARE_HEADER.sub(lambda m: f"{m[1]} {'a' if m[1] == '---' else 'b'}/{m[2]}", diff)


def added(diff: str) -> list[str]:
    """The lines a diff adds (without the `+`)."""
    return [
        line[1:] for line in git_lines(diff) if line.startswith("+") and not line.startswith("+++")
    ]


def changed(before: str, after: str) -> Iterator[tuple[int, int]]:
    """The old lines each change replaces, 1-based (first, last); an insertion after line n is
    (n + 1, n)."""
    old, new = git_lines(before), git_lines(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            yield i1 + 1, i2
