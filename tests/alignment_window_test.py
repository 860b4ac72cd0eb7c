"""The review's bracket check tokenizes only the statements a fix touches (alignment._window):
on fixes of every shape, well formed or not, it says what tokenizing the whole file says."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from healers import alignment, edits
from healers.finding import Span

ROOT = Path(__file__).resolve().parent.parent
CONTENTS = ["(a,\n   b)", "foo(", ")", "x[", "(1, 2)", "", "\n", "call(arg,\n        other)"]


@pytest.mark.parametrize("module", ["engine.py", "alignment.py"])
def test_the_window_says_what_the_whole_text_says(module: str) -> None:
    text = (ROOT / "healers" / module).read_text(encoding="utf-8")
    pick = random.Random(module)
    said = 0
    for _ in range(80):
        start = pick.randrange(len(text))
        spans = [Span(start, min(len(text), start + pick.randrange(40)), pick.choice(CONTENTS))]
        after = edits.apply(text, spans)
        lines = edits.line_diff(text, after, spans)
        written = set(edits.added_rows(after, lines))
        whole = alignment.unaligned(after, written)  # without the text before: the whole text
        assert alignment.unaligned(after, written, text, lines) == whole, spans
        said += bool(whole)
    assert said  # some fixes do misalign a line
