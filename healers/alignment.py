"""Continuation lines a fix must not misalign: a line aligned with a bracket (a visual indent,
pycodestyle's E127/E128) on a line the fix rewrites needs that bracket where it was."""

from __future__ import annotations

import functools
import io
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from healers import edits
from healers.finding import Span

_SKIP = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)


Logical = list[tuple[int, int, list[tokenize.TokenInfo]]]  # (first row, last row, tokens)


def _split(text: str) -> Logical | None:
    """(first row, last row, tokens) of each logical line; None when the text does not
    tokenize."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    found: Logical = []
    current: list[tokenize.TokenInfo] = []
    for token in tokens:
        if token.type in _SKIP and not current:
            continue
        current.append(token)
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            found.append((current[0].start[0], token.end[0], current))
            current = []
    return found


@functools.lru_cache(maxsize=4)
def _logical_lines(text: str) -> Logical:
    """`_split`, [] when the text does not tokenize. Kept for the last few texts: every fix of a
    file is reviewed against the same text before it, and tokenizing it again per fix was most
    of a --fix run (read only, never changed)."""
    return _split(text) or []


def _levels(logical: Logical) -> list[int]:
    """The indentation levels open after these logical lines (tokenize's indent stack)."""
    levels = [0]
    for _, _, tokens in logical:
        if tokens[0].type != tokenize.ENDMARKER:
            column = tokens[0].start[1]
            while column < levels[-1]:
                levels.pop()
            levels += [column] if column > levels[-1] else []
    return levels


@dataclass(frozen=True)
class _Window:
    """Rows of a fixed text cut out to tokenize alone (see `_window`)."""

    above: int  # rows of the whole text above the first row of `text`, less the opening
    opening: int  # the rows that open the indentation the window starts in
    text: str
    levels: tuple[int, ...]  # the indentation open after it in the text before the fix


def _window(before: str, after: str, spans: Sequence[Span]) -> _Window | None:
    """The rows of `after` holding the logical lines of `before` that the spans touch and the
    one after them, under lines opening the indentation they start in: the text above and
    below is the same in both, so they tokenize alone as in the whole text (when they leave the
    same indentation open). None when they cannot be cut out."""
    plain = spans and "\r" not in before + after and "\t" not in before + after
    logical = _logical_lines(before) if plain else []
    if not logical:
        return None
    starts = edits.line_starts(before)
    top = edits.line_of(starts, min(s.start for s in spans))
    bottom = edits.line_of(starts, max(max(s.end - 1, s.start) for s in spans))
    above = [line for line in logical if line[1] < top]
    first = min([top, *(line[0] for line in logical if line[0] <= top <= line[1])])
    below = [line for line in logical if line[1] >= bottom]
    upto = below[1:2] or below[:1]
    last = max(bottom, upto[0][1]) if upto else bottom
    levels = _levels(above)
    opening = [f"{' ' * n}if 1:\n" for n in levels[:-1]]
    opening += [f"{' ' * levels[-1]}pass\n"] if levels[-1] else []
    rows = after.splitlines(keepends=True)
    end = last + len(rows) - len(before.splitlines())
    text = "".join(opening + rows[first - 1 : end])
    kept = _levels([line for line in logical if line[0] <= last])
    return _Window(first - 1 - len(opening), len(opening), text, tuple(kept))


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


def unaligned(after: str, written: set[int], before: str = "", spans: Sequence[Span] = ()) -> str:
    """Why a bracket the fix wrote leaves a continuation line of its statement out of line
    with it (an opening bracket with code after it sets a visual indent); "" when none does.
    With the text `before` the fix and its `spans`, only the statements it touches are
    tokenized (a whole file per fix was most of a --fix run)."""
    cut = _window(before, after, spans) if before else None
    if cut is not None:
        inside = {row - cut.above for row in written}
        logical = _split(cut.text) if inside and min(inside) > cut.opening else None
        fits = logical is not None and max(inside) <= cut.text.count("\n") + 1
        if logical is not None and fits and tuple(_levels(logical)) == cut.levels:
            return _unaligned(logical, inside, cut.above)
    return _unaligned(_logical_lines(after), written, 0)


def _unaligned(logical: Logical, written: set[int], above: int) -> str:
    """`unaligned` on the logical lines of a text whose first row is row `above` + 1."""
    for first, last, tokens in logical:
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
                        f"the bracket it writes on line {opened_row + above} leaves line "
                        f"{row + above} out of line"
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
