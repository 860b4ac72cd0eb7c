"""A model's reply read as a patch."""

from __future__ import annotations

import pytest

from healers.llm import reply

DIFF = "--- a/src/x.py\n+++ b/src/x.py\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"Here:\n```diff\n{DIFF}```\nDone.", id="fenced diff with prose"),
        pytest.param(f"```patch\n{DIFF}```", id="fenced as patch"),
        pytest.param(f"```\n{DIFF}```", id="a bare fence"),
        pytest.param(DIFF, id="the diff alone"),
        pytest.param(f"The fix:\n\n{DIFF}", id="prose then the diff"),
        pytest.param(DIFF.replace("a/src", "src").replace("b/src", "src"), id="no a/ b/"),
        pytest.param(DIFF.split("\n", 2)[2], id="hunks without headers"),
        pytest.param(DIFF.rstrip("\n"), id="no last newline"),
    ],
)
def test_extract(text: str) -> None:
    assert reply.extract(text, "src/x.py") == DIFF


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Use `except ValueError:`.", id="prose"),
        pytest.param("```python\nexcept ValueError:\n```", id="code, not a diff"),
        pytest.param("--- a/x\n+++ b/x\n", id="headers without hunks"),
    ],
)
def test_extract_noop(text: str) -> None:
    with pytest.raises(reply.NotAPatch):
        reply.extract(text, "src/x.py")


def test_declined() -> None:
    assert reply.declined("NO FIX: the handler must stay broad") == "the handler must stay broad"
    assert reply.declined("no fix") == "no reason given"
    assert reply.declined(f"NO FIX needed? Anyway:\n{DIFF}") == ""
    assert reply.declined(DIFF) == ""


def test_changed_lines() -> None:
    assert list(reply.changed("a\nb\nc\n", "a\nB\nc\n")) == [(2, 2)]
    assert list(reply.changed("a\nb\n", "a\nb\nc\n")) == [(3, 2)]  # inserted after line 2
    assert list(reply.changed("a\nb\nc\n", "a\nc\n")) == [(2, 2)]
    assert reply.added(DIFF) == ["B\n"]
