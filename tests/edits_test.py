from __future__ import annotations

import pytest

from healers import edits
from healers.finding import Edit, Span


@pytest.mark.parametrize(
    ("text", "edit", "expected"),
    [
        pytest.param("a = 1\nb = 2\n", Edit(2, 1, 2, 2, "c"), "a = 1\nc = 2\n", id="lf"),
        pytest.param("a = 1\r\nb = 2\r\n", Edit(2, 5, 2, 6, "3"), "a = 1\r\nb = 3\r\n", id="crlf"),
        pytest.param("a = 1\rb = 2\r", Edit(2, 1, 2, 2, "c"), "a = 1\rc = 2\r", id="cr only"),
        pytest.param(
            'x = "é"; y\n', Edit(1, 10, 1, 11, "z"), 'x = "é"; z\n', id="columns count chars"
        ),
        pytest.param("import os\n", Edit(1, 1, 2, 1, ""), "", id="delete through end of text"),
    ],
)
def test_to_span_and_apply(text, edit, expected):
    span = edits.to_span(edit, edits.line_starts(text), text)
    assert edits.apply(text, [span]) == expected


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("a\nb\nc\n", "a\nB\nc\n", id="change a line"),
        pytest.param("a\nc\n", "a\nb\nc\n", id="insert"),
        pytest.param("a\nb\nc\n", "a\nc\n", id="delete"),
        pytest.param("x", "import os\nx", id="no final newline"),
        pytest.param("a\r\nb\r\n", "a\r\nimport os\r\nb\r\n", id="crlf"),
    ],
)
def test_spans_between_reproduces_after(before, after):
    spans = edits.spans_between(before, after)
    assert spans
    assert edits.apply(before, spans) == after


def test_merge_keeps_order_and_skips_overlaps():
    first = [Span(0, 5, "A")]
    overlapping = [Span(3, 8, "B")]
    later = [Span(8, 9, "C")]
    spans, chosen = edits.merge([first, overlapping, later])
    assert chosen == [0, 2]
    assert [s.content for s in spans] == ["A", "C"]


def test_merge_refuses_two_insertions_at_one_point_and_self_overlap():
    spans, chosen = edits.merge(
        [
            [Span(4, 4, "x")],
            [Span(4, 4, "y")],
            [Span(0, 3, ""), Span(2, 5, "")],
        ]
    )
    assert chosen == [0]
    assert spans == [Span(4, 4, "x")]


def test_touching_edits_are_both_applied():
    text = "abcdef"
    spans, chosen = edits.merge([[Span(0, 3, "X")], [Span(3, 6, "Y")]])
    assert chosen == [0, 1]
    assert edits.apply(text, spans) == "XY"


def test_line_of():
    starts = edits.line_starts("a\nbb\r\nc")
    assert [edits.line_of(starts, o) for o in (0, 2, 3, 6)] == [1, 2, 2, 3]
