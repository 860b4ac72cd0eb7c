"""Whitespace that is data: the trailing spaces of a line inside a multi-line string literal
belong to the string's value, so a whitespace fix (ruff's unsafe W291/W293 there) must not
strip them. A docstring (a string alone as a statement) is prose: its whitespace may go."""

from __future__ import annotations

import io
import tokenize
from collections.abc import Sequence

from healers import edits
from healers.finding import Span

# fixes that strip whitespace, whatever token it is in
WHITESPACE_FIXES = frozenset({"ruff:W291", "ruff:W293"})
# the tokens whose text is a literal's value (f-strings are split into these from Python 3.12)
_LITERALS = frozenset(
    getattr(tokenize, name)
    for name in ("STRING", "FSTRING_MIDDLE", "TSTRING_MIDDLE")
    if hasattr(tokenize, name)
)


def stripped_from_string(text: str, spans: Sequence[Span]) -> str:
    """Why the spans change the inside of a string literal (its value), or "" when none does
    (or the text does not tokenize: the compile check has the last word then)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return ""
    starts = edits.line_starts(text)

    def offset(row: int, col: int) -> int:
        return starts[row - 1] + col if row <= len(starts) else len(text)

    inside = [
        (offset(*t.start), offset(*t.end), t.start[0])
        for i, t in enumerate(tokens)
        if t.type in _LITERALS and not _statement(tokens, i)
    ]
    for span in spans:
        for first, last, row in inside:
            if first < span.start < last:
                line = edits.line_of(starts, span.start)
                return (
                    f"the whitespace it strips on line {line} is inside the string literal "
                    f"that starts on line {row}: it is the string's value, not layout"
                )
    return ""


_BETWEEN = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)


def _statement(tokens: Sequence[tokenize.TokenInfo], index: int) -> bool:
    """The string at `index` is a statement of its own (a docstring): nothing but line breaks
    before it on its logical line, and its NEWLINE right after it."""
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    if after is None or after.type not in (tokenize.NEWLINE, tokenize.ENDMARKER):
        return False
    before = index - 1
    while before >= 0 and tokens[before].type in _BETWEEN:
        before -= 1
    return before < 0 or tokens[before].type == tokenize.NEWLINE
