"""Comments a fix must keep: each comment of the code a fix rewrites must still be there, on the
same code (a trailing comment) or between the same statements (a comment on its own line)."""

from __future__ import annotations

import bisect
import io
import re
import tokenize
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from healers import edits
from healers.finding import Span

# Fixes whose subject is a comment on the flagged line: a suppression, a coding cookie,
# commented-out code. They may change that comment, never the words a person added to it.
ABOUT_COMMENTS = frozenset(
    {
        "ruff:RUF100",
        "ruff:RUF101",
        "ruff:RUF102",
        "ruff:PGH004",
        "ruff:ERA001",
        "ruff:UP009",
        "mypy:unused-ignore",
    }
)
_DIRECTIVE = re.compile(
    r"#\s*(?:noqa(?::?\s*[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)?|type:\s*ignore(?:\[[^\]]*\])?"
    r"|(?:-\*-\s*)?(?:vim?:.*)?(?:en)?coding[:=]\s*[-\w.]+(?:\s*-\*-)?)",
    re.IGNORECASE,
)
_SKIP = (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)


@dataclass(frozen=True)
class Comment:
    text: str
    line: int
    trailing: bool  # after code on its line
    before: str  # the code line above an own-line comment, or the code of a trailing one's line
    after: str  # the code line below an own-line comment; "first" or "inside" for a trailing one
    # (on the first line of its statement, where flake8 reads a suppression, or further down)


def _code(line: str) -> str:
    return "".join(line.split())


def read(text: str) -> list[Comment] | None:
    """The file's comments with the code around each; None when it does not tokenize."""
    lines = text.splitlines()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    code_rows = sorted({t.start[0] for t in tokens if t.type not in (*_SKIP, tokenize.COMMENT)})
    found = []
    statement = 0  # the first line of the statement the tokens are in
    for token in tokens:
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            statement = 0
        elif token.type not in (*_SKIP, tokenize.COMMENT) and not statement:
            statement = token.start[0]
        if token.type != tokenize.COMMENT:
            continue
        row = token.start[0]
        line = lines[row - 1] if row <= len(lines) else ""
        trailing = bool(line[: token.start[1]].strip())
        if trailing:
            where = "first" if row == statement else "inside"
            found.append(Comment(token.string, row, True, _code(line[: token.start[1]]), where))
            continue
        at = bisect.bisect_left(code_rows, row)
        above = code_rows[at - 1] if at else 0
        below = code_rows[at] if at < len(code_rows) else 0
        found.append(
            Comment(
                token.string,
                row,
                False,
                _code(lines[above - 1]) if above else "",
                _code(lines[below - 1]) if below else "",
            )
        )
    return found


def rest(comment: str) -> str:
    """A comment's own words once its directives (noqa, type: ignore, coding) are taken out."""
    return " ".join(_DIRECTIVE.sub(" ", comment).lstrip("#").split())


def lost(before: str, after: str, spans: Sequence[Span], about: Collection[int] = ()) -> str:
    """Why the fix (`spans` turn `before` into `after`) loses or moves a comment; "" when every
    comment of the rewritten code stays on its code. On the lines in `about` (the flagged code of
    a fix about comments) a comment may change, but its own words must stay."""
    return next(iter(unkept(before, after, spans, about)), "")


def unkept(
    before: str, after: str, spans: Sequence[Span], about: Collection[int] = ()
) -> list[str]:
    """Every comment of the rewritten code (and of the lines just around it, which code moving
    past them would leave above other code) that the fix loses or moves, as reasons."""
    starts = edits.line_starts(before)
    # row -> the anchors to check: inside a span both; on the line above a span only the code
    # above it (the code below is what the fix rewrites), on the line below only the code below
    rows: dict[int, set[str]] = {}
    replaced: set[int] = set()  # the rows of `before` the spans rewrite
    for s in spans:
        first = edits.line_of(starts, s.start)
        last = edits.line_of(starts, max(s.end - 1, s.start))
        replaced.update(range(first, last + 1))
        lo = starts[max(first - 2, 0)]
        hi = starts[last + 1] if last + 1 < len(starts) else len(before)
        if "#" not in before[lo:hi]:
            continue
        for row in range(first, last + 1):
            rows.setdefault(row, set()).update(("before", "after"))
        rows.setdefault(first - 1, set()).add("before")
        rows.setdefault(last + 1, set()).add("after")
    if not rows:
        return []
    old, new = read(before), read(after)
    if old is None or new is None:
        return []  # the compile check catches a broken result; unreadable before: not our call
    # a line the fix wrote whose code was not among the lines it rewrote is new (`1024` ->
    # `2048`), even where the same code stands elsewhere in the file; one that was is moved code
    lines = before.splitlines()
    existing = {_code(lines[r - 1]) for r in replaced if r <= len(lines)}
    written = {r + d for r in edits.added_rows(after, spans) for d in (-1, 0, 1)}
    checked = [c for c in old if c.line in rows]
    # matched by their words and the code they sit on, wherever the fix's added or removed
    # lines shifted them; the comments of the code no fix touched claim their copies first
    pool = _unclaimed(new, [c for c in old if c.line not in rows])
    reasons = []
    for comment in checked:
        sides = rows[comment.line]
        if comment.line in about:
            words = rest(comment.text)
            if words and not any(words in rest(c.text) for c in new):
                reasons.append(f"it deletes `{words}` from the comment on line {comment.line}")
            continue
        match = next((c for c in pool if _anchored(comment) == _anchored(c)), None) or next(
            (c for c in pool if _kept(comment, c, existing, sides)), None
        )
        if match is None:
            reasons.append(_why(comment, [c for c in new if c.line in written]))
        else:
            pool.remove(match)
    return reasons


def _anchored(comment: Comment) -> tuple[str, bool, str, str]:
    """A comment as the fix must keep it: its words, and the code it sits on or between."""
    return (comment.text, comment.trailing, comment.before, comment.after)


def _unclaimed(new: Sequence[Comment], untouched: Sequence[Comment]) -> list[Comment]:
    """`new` without one copy of each untouched comment (the same words on the same code)."""
    pool = list(new)
    by_anchor: dict[tuple[str, bool, str, str], list[Comment]] = {}
    for c in pool:
        by_anchor.setdefault(_anchored(c), []).append(c)
    for comment in untouched:
        copies = by_anchor.get(_anchored(comment))
        if copies:
            pool.remove(copies.pop(0))
    return pool


def _kept(old: Comment, new: Comment, existing: set[str], sides: set[str]) -> bool:
    """The same comment, between the same code: a line the fix rewrote counts as the same."""
    if (old.text, old.trailing) != (new.text, new.trailing):
        return False
    if old.trailing and old.after != new.after:
        return False  # a suppression moved off the line that starts its statement

    def same(was: str, now: str) -> bool:
        return was == now or (now not in existing and bool(was) == bool(now))

    return ("before" not in sides or same(old.before, new.before)) and (
        "after" not in sides or same(old.after, new.after)
    )


def _why(comment: Comment, new: Sequence[Comment]) -> str:
    if any(c.text == comment.text for c in new):
        return f"it moves the comment `{comment.text}` (line {comment.line}) away from its code"
    return f"it deletes the comment `{comment.text}` (line {comment.line})"
