"""`heal patterns`: the list shows the line each heal changed, not the context it shares."""

from __future__ import annotations

from healers.commands import patterns
from healers.state.patterns import Pattern


def _pattern(before: str, after: str, **kw: int) -> Pattern:
    return Pattern(1, "bare-except", "ruff:E722", "model", before, after, "kept", "", **kw)


def test_the_list_shows_the_changed_line() -> None:
    before = "try:\n    v1 = json.load(v2)\nexcept:\n    v1 = []"
    after = "try:\n    v1 = json.load(v2)\nexcept (OSError, ValueError):\n    v1 = []"
    text = patterns.to_text([_pattern(before, after, successes=1, failures=1)])
    assert "except:  ->  except (OSError, ValueError):" in text
    assert "1/2 kept" in text and "yes" in text


def test_lines_added_or_removed() -> None:
    assert patterns._changed("a\nb", "a\nb\nc") == ("(nothing)", "c")
    assert patterns._changed("a\nb", "a") == ("b", "(removed)")


def test_no_patterns_yet() -> None:
    assert patterns.to_text([]).startswith("No patterns yet")
