"""What a maintainer checks in each fix before it joins the plan: the comments of the code it
rewrites are kept, its lines fit the project's line length (formatted on their range by the
project's formatter, or by ruff format where the code already reads as ruff writes it), and a
`TYPE_CHECKING` guard it empties goes with it."""

from __future__ import annotations

import io
import itertools
import keyword
import re
import tokenize
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from healers import alignment, comments, edits, import_place, literals, tools, typing_guards
from healers.finding import Span
from healers.layout import Formatter, Layout
from healers.layout import read as layout_of
from healers.tools import ruff

_OPERATOR_FIRST = re.compile(r"\s*(and|or|not in|in|is|if|else|[-+*/%|&^@<>]=?|==|!=|//|\*\*)\s")
# (path, text, (first line, last line)) -> the text with those lines formatted, or "!" + why not
FormatRange = Callable[[str, str, tuple[int, int]], str]


@dataclass(frozen=True)
class Reviewing:
    """What the review of a project's fixes needs: its layout and how to format a range."""

    layout: Layout
    format_range: FormatRange


def review(
    path: str,
    text: str,
    spans: Sequence[Span],
    *,
    reviewing: Reviewing | None,
    about: Collection[int] = (),
    codes: Collection[str] = (),
) -> list[Span] | str:
    """The fix's spans, perhaps formatted or with an emptied guard removed; or why it must not
    be applied (reported as the finding's reason). `codes` are the findings the fix is for."""
    layout = reviewing.layout if reviewing else None
    format_range = reviewing.format_range if reviewing else None
    spans = sorted(spans, key=lambda s: (s.start, s.end))
    after = edits.apply(text, spans)
    lines = edits.line_diff(text, after, spans)  # lines an edit only carried over are kept
    why = comments.lost(text, after, spans, about) or alignment.misaligned(text, after, lines)
    if not why and literals.WHITESPACE_FIXES.intersection(codes):
        why = literals.stripped_from_string(text, spans)
    if not why and any(b in s.content for s in lines for b in "([{"):
        why = alignment.unaligned(after, set(edits.added_rows(after, lines)), text, lines)
    if why:
        return f"the fix is not applied: {why}"
    cleaned = typing_guards.without_empty(text, without_stray_commas(after, spans), spans)
    cleaned = import_place.in_order(text, cleaned, spans)
    if cleaned != after:
        after, spans = cleaned, edits.spans_between(text, cleaned)
    if layout is None:
        return spans
    long = overlong(text, after, spans, layout.line_length)
    if not long:
        return _as_formatted(path, text, after, spans, reviewing, about)
    rows = edits.added_rows(after, spans)
    limit = f"the project's limit of {layout.line_length} ({layout.source})"
    said = f"line {long[0][0]} of the fix would be {long[0][1]} characters, over {limit}"
    why = _why_not_format(path, text, spans, layout, format_range)
    if why or format_range is None:
        return f"the fix is not applied: {said}, {why}"
    name = layout.formatter.name if layout.formatter else "ruff format"
    formatted = format_range(path, after, (rows[0], rows[-1]))
    if formatted.startswith("!"):  # the formatter failed: why
        return f"the fix is not applied: {said}; {name} failed: {formatted[1:]}"
    respans = edits.spans_between(text, formatted)
    why = _why_not_formatted(text, formatted, spans, respans, layout, about)
    return f"the fix is not applied: {said}, {why}" if why else respans


def _as_formatted(
    path: str,
    text: str,
    after: str,
    spans: list[Span],
    reviewing: Reviewing | None,
    about: Collection[int],
) -> list[Span] | str:
    """In a project that formats its code (black, ruff format), the fix's lines as its formatter
    writes them (SIM102's joined condition, SIM114's merged branches); the fix as it is where
    the project has no formatter, or its code there was not formatted either; else why not."""
    if reviewing is None or reviewing.layout.formatter is None:
        return spans
    rows = edits.added_rows(after, spans)
    if not rows:
        return spans
    formatted = reviewing.format_range(path, after, (rows[0], rows[-1]))
    if formatted.startswith("!") or formatted == after:  # failed (compile has the last word)
        return spans
    respans = edits.spans_between(text, formatted)
    why = _why_not_formatted(text, formatted, spans, respans, reviewing.layout, about)
    if not why:
        return respans
    around = sorted(logical_rows(text, _rows(text, spans)))
    if reviewing.format_range(path, text, (around[0], around[-1])) != text:
        return spans  # the code there is not formatted: the fix keeps its form
    name = reviewing.layout.formatter.name
    return f"the fix is not applied: its lines are not as {name} formats them, {why}"


def without_stray_commas(after: str, spans: Sequence[Span]) -> str:
    """`after` without the comma a fix leaves before a closing `]` or `}` on the same line
    (ruff's C410 turns `list((x,))` into `[x,]`, which black then explodes as a magic trailing
    comma); a tuple's `(x,)` keeps its comma."""
    if ",]" not in after and ",}" not in after:
        return after
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(after).readline))
    except (tokenize.TokenError, SyntaxError):
        return after
    written = set(edits.added_rows(after, spans))
    starts = edits.line_starts(after)
    openers = _openers(tokens)
    stray = [
        starts[t.start[0] - 1] + t.start[1]
        for i, (t, nxt) in enumerate(itertools.pairwise(tokens))
        if t.string == ","
        and nxt.string in ("]", "}")
        and t.end == nxt.start
        and t.start[0] in written
        and not _subscript(tokens, openers.get(i + 1, 0))
    ]
    for offset in reversed(stray):
        after = after[:offset] + after[offset + 1 :]
    return after


def _openers(tokens: Sequence[tokenize.TokenInfo]) -> dict[int, int]:
    """The index of each closing bracket's token -> the index of its opening one."""
    stack: list[int] = []
    found: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.type == tokenize.OP and token.string in "([{":
            stack.append(index)
        elif token.type == tokenize.OP and token.string in ")]}" and stack:
            found[index] = stack.pop()
    return found


def _subscript(tokens: Sequence[tokenize.TokenInfo], opener: int) -> bool:
    """`x[a,]` (a tuple index: its comma matters), not a list display `[a,]`."""
    if tokens[opener].string != "[" or opener == 0:
        return False
    before = tokens[opener - 1]
    if before.type == tokenize.NAME:
        return not keyword.iskeyword(before.string)
    return before.type in (tokenize.NUMBER, tokenize.STRING) or before.string in ")]}"


def _why_not_formatted(
    text: str,
    formatted: str,
    spans: Sequence[Span],
    respans: Sequence[Span],
    layout: Layout,
    about: Collection[int],
) -> str:
    """Why the formatted fix is not one to apply either; "" when it is."""
    name = layout.formatter.name if layout.formatter else "ruff format"
    still = overlong(text, formatted, respans, layout.line_length)
    if still:
        line, width = still[0]
        return f"and even formatted by {name} line {line} would be {width} characters"
    if comments.lost(text, formatted, respans, about):
        return f"and {name} would move a comment"
    if layout.no_break_before_operator and any(
        _OPERATOR_FIRST.match(line) for line in _written(formatted, respans)
    ):
        where = layout.no_break_before_operator
        return f"and {name} would break lines before operators ({where} checks W503)"
    if not _rows(text, respans) <= logical_rows(text, _rows(text, spans)):
        return f"and {name} would also reformat the code around it"
    return ""


def _written(text: str, spans: Sequence[Span]) -> list[str]:
    lines = text.splitlines()
    return [lines[r - 1] for r in edits.added_rows(text, spans) if r <= len(lines)]


def _rows(text: str, spans: Sequence[Span]) -> set[int]:
    """The 1-based lines of `text` the spans replace."""
    starts = edits.line_starts(text)
    return {
        row
        for s in spans
        for row in range(
            edits.line_of(starts, s.start), edits.line_of(starts, max(s.end - 1, s.start)) + 1
        )
    }


def logical_rows(text: str, rows: set[int]) -> set[int]:
    """`rows` and every other line of the logical lines (statements up to their NEWLINE, not a
    compound statement's body) they belong to."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return set(rows)
    found = set(rows)
    first = 0
    for token in tokens:
        if token.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            continue
        if not first:
            first = token.start[0]
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            span = set(range(first, token.end[0] + 1))
            if span & rows:
                found |= span
            first = 0
    return found


def _why_not_format(
    path: str,
    text: str,
    spans: Sequence[Span],
    layout: Layout,
    format_range: FormatRange | None,
) -> str:
    """ "" when heal may format the fix's lines: the project uses a formatter heal can run, or
    its code there is already exactly what `ruff format` writes (formatting it changes nothing)."""
    if format_range is None:
        return "and heal cannot run a formatter here"
    if layout.formatter is not None:
        return ""
    rows = sorted(logical_rows(text, _rows(text, spans)))
    if format_range(path, text, (rows[0], rows[-1])) != text:
        return "the project has no formatter heal can run, and its code there is not formatted"
    return ""


def overlong(before: str, after: str, spans: Sequence[Span], limit: int) -> list[tuple[int, int]]:
    """(line, width) of the lines the fix writes past `limit` that are longer than every line
    it replaces (a fix may keep a line as long as it found it)."""
    starts = edits.line_starts(before)
    old_lines = before.splitlines()
    replaced = [
        len(old_lines[row - 1])
        for s in spans
        for row in range(
            edits.line_of(starts, s.start), edits.line_of(starts, max(s.end - 1, s.start)) + 1
        )
        if row <= len(old_lines)
    ]
    widest = max(replaced, default=0)
    lines = after.splitlines()
    return [
        (row, len(lines[row - 1]))
        for row in edits.added_rows(after, spans)
        if row <= len(lines) and len(lines[row - 1]) > max(limit, widest)
    ]


def for_project(root: Path) -> Reviewing:
    """The project's layout (line length, formatter) and its formatter as heal runs it."""
    found = layout_of(root)
    return Reviewing(found, formatter(found, root))


def formatter(layout: Layout, root: Path) -> FormatRange:
    """The project's formatter as heal runs it on a fix's lines (`ruff format --range`); for a
    project without one, ruff format's defaults at the project's line length."""
    chosen = layout.formatter or Formatter("ruff format", None, ())

    def format_range(path: str, text: str, rows: tuple[int, int]) -> str:
        args = ruff.format_range(
            path,
            rows,
            line_length=layout.line_length,
            config=chosen.config,
            settings=chosen.settings,
        )
        try:
            return tools.run_tool("ruff", args, cwd=root, ok=(0,), stdin=text, timeout=60).stdout
        except tools.AnalyzerError as exc:
            return "!" + exc.reason

    return format_range
