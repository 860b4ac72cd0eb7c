"""Pure text edits: positions -> offsets, codemod output -> edits, non-overlapping application."""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Sequence

from healers import source
from healers.finding import Edit, Span

_LINE_END = re.compile(r"\r\n|\r|\n")


@functools.lru_cache(maxsize=8)
def line_starts(text: str) -> tuple[int, ...]:
    """Offsets where each line begins; `\\r\\n`, `\\r` and `\\n` all end a line (as in ruff).
    Remembered for the last few texts: a file's review asks it of the same text for every fix."""
    return (0, *(m.end() for m in _LINE_END.finditer(text)))


def to_span(edit: Edit, starts: Sequence[int], text: str) -> Span:
    def offset(line: int, column: int) -> int:
        if line > len(starts):  # one past the last line: the end of the text
            return len(text)
        return min(starts[line - 1] + column - 1, len(text))

    return Span(
        offset(edit.line, edit.column), offset(edit.end_line, edit.end_column), edit.content
    )


def spans_between(before: str, after: str) -> list[Span]:
    """Line-level edits that turn `before` into `after` (how a codemod's output joins the plan)."""
    old = source.lines(before, keepends=True)
    new = source.lines(after, keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        Span(starts[i1], starts[i2], "".join(new[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _overlaps(a: Span, b: Span) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: their order would be a guess
    return a.start < b.end and b.start < a.end


def merge(groups: Sequence[Sequence[Span]]) -> tuple[list[Span], list[int]]:
    """Accept whole groups (one fix each) in the given order, skipping any that overlaps an
    accepted one: the skipped fixes wait for the next pass.

    Returns the accepted spans and the indexes of the accepted groups.
    """
    accepted: list[Span] = []
    chosen: list[int] = []
    for index, group in enumerate(groups):
        if not group or any(_overlaps(s, a) for s in group for a in accepted):
            continue
        if any(_overlaps(s, t) for i, s in enumerate(group) for t in group[i + 1 :]):
            continue
        accepted.extend(group)
        chosen.append(index)
    return sorted(accepted, key=lambda s: (s.start, s.end)), chosen


def apply(text: str, spans: Sequence[Span]) -> str:
    """Apply non-overlapping spans (sorted by position)."""
    out = []
    position = 0
    for span in spans:
        out.append(text[position : span.start])
        out.append(span.content)
        position = span.end
    out.append(text[position:])
    return "".join(out)


def line_of(starts: Sequence[int], offset: int) -> int:
    """1-based line number of a character offset."""
    return bisect.bisect_right(starts, offset)


def _after_ranges(spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Where each span's new content lies in the text after the fix (offsets)."""
    delta, ranges = 0, []
    for span in spans:
        start = span.start + delta
        ranges.append((start, start + len(span.content)))
        delta += len(span.content) - (span.end - span.start)
    return ranges


def added_rows(after: str, spans: Sequence[Span]) -> list[int]:
    """The 1-based lines of `after` that hold text the fix wrote."""
    starts = line_starts(after)
    rows: set[int] = set()
    for start, end in _after_ranges(spans):
        first = line_of(starts, start)
        rows.update(range(first, line_of(starts, max(end - 1, start)) + 1))
    return sorted(rows)


def line_diff(before: str, after: str, spans: Sequence[Span]) -> list[Span]:
    """`spans_between(before, after)` where `spans` turned one into the other, computed only over
    the lines the spans touch (lines an edit rewrote to the same text come out unchanged)."""
    if not spans:
        return []
    starts = line_starts(before)
    lo = starts[line_of(starts, min(s.start for s in spans)) - 1]
    end = max(s.end for s in spans)
    hi = next((s for s in starts if s >= end and s > lo), len(before))
    delta = sum(len(s.content) - (s.end - s.start) for s in spans)
    return [
        Span(s.start + lo, s.end + lo, s.content)
        for s in spans_between(before[lo:hi], after[lo : hi + delta])
    ]
