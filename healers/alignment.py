"""Continuation lines a fix must not misalign: a line aligned with a bracket (a visual indent,
pycodestyle's E127/E128) on a line the fix rewrites needs that bracket where it was."""

from __future__ import annotations

import functools
import io
import tokenize
from collections.abc import Sequence

from healers import edits
from healers.finding import Span

_SKIP = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)


Logical = tuple[tuple[int, int, tuple[tokenize.TokenInfo, ...]], ...]


@functools.lru_cache(maxsize=8)
def _logical_lines(text: str) -> Logical:
    """(first row, last row, tokens) of each logical line; () when the text does not tokenize.
    Kept for the last few texts: every fix of a file is reviewed against the same text."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return ()
    found: list[tuple[int, int, tuple[tokenize.TokenInfo, ...]]] = []
    current: list[tokenize.TokenInfo] = []
    for token in tokens:
        if token.type in _SKIP and not current:
            continue
        current.append(token)
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            found.append((current[0].start[0], token.end[0], tuple(current)))
            current = []
    return tuple(found)


def misaligned(before: str, after: str, spans: Sequence[Span]) -> str:
    """Why the fix misaligns a continuation line it leaves as it is; "" when it does not."""
    starts = edits.line_starts(before)
    rows = {
        row
        for s in spans
        for row in range(
            edits.line_of(starts, s.start), edits.line_of(starts, max(s.end - 1, s.start)) + 1
        )
    }
    lines = before.splitlines()
    after_lines = set(after.splitlines())
    for first, last, tokens in _logical_lines(before):
        span = set(range(first, last + 1))
        if first == last or not span & rows or span <= rows:
            continue
        for index, token in enumerate(tokens[:-1]):
            row, col = token.start
            if row not in rows or token.string not in "([{" or token.type != tokenize.OP:
                continue
            nxt = tokens[index + 1]
            if nxt.start[0] != row or nxt.type in (tokenize.NL, tokenize.NEWLINE):
                continue  # a hanging indent: nothing is aligned with this bracket
            prefix = lines[row - 1][: col + 1]
            aligned = [
                r
                for r in range(row + 1, last + 1)
                if r not in rows and _indent(lines[r - 1]) == col + 1 and lines[r - 1].strip()
            ]
            if aligned and not any(line.startswith(prefix) for line in after_lines):
                return f"it moves the bracket line {aligned[0]} is aligned with (line {row})"
    return ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def unaligned(after: str, written: set[int]) -> str:
    """Why a bracket the fix wrote leaves a continuation line of its statement out of line
    with it (an opening bracket with code after it sets a visual indent); "" when none does."""
    for first, last, tokens in _logical_lines(after):
        if first == last or not written & set(range(first, last + 1)):
            continue
        stack: list[tuple[int, int, bool]] = []  # (row, column, code follows it on its row)
        previous_row = first
        for index, token in enumerate(tokens):
            row, col = token.start
            if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                continue
            if row != previous_row and stack and token.string not in ")]}":
                opened_row, opened_col, visual = stack[-1]
                if visual and opened_row in written and col != opened_col + 1:
                    return (
                        f"the bracket it writes on line {opened_row} leaves line {row} out of line"
                    )
            previous_row = row
            if token.type == tokenize.OP and token.string in "([{":
                following = tokens[index + 1] if index + 1 < len(tokens) else token
                code_follows = following.start[0] == row and following.type not in (
                    tokenize.NL,
                    tokenize.NEWLINE,
                    tokenize.COMMENT,
                )
                stack.append((row, col, code_follows))
            elif token.type == tokenize.OP and token.string in ")]}" and stack:
                stack.pop()
    return ""
