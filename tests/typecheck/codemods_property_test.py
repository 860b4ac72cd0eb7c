"""Property test of RaiseIfNone: on programs hypothesis builds from templates, the checked code
returns what the original returned, and raises AttributeError exactly where the original did."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from healers.finding import Finding
from tests.helpers import run_codemod

SETTINGS = settings(max_examples=40, deadline=None)
# (statement using `s.ATTR(...)`, the offset of `s` in it, from the indent)
STATEMENTS = [
    ("return s.{a}(t) + [len(t)]", 7),
    ("x = [t] + s.{a}(t)\n    return x", 10),
    ("if s.{a}(t):\n        return [1]\n    return []", 3),
    ("for w in s.{a}(t):\n        return [w]\n    return [t]", 9),
]
VALUES = st.none() | st.text(alphabet="ab ,", max_size=5)


def call(source: str, s: Any, t: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "m.py", "exec", dont_inherit=True), namespace)  # our own templates
    try:
        return ("ok", namespace["f"](s, t))
    except Exception as exc:  # the same exception type counts as the same behaviour
        return ("raised", type(exc).__name__)


@SETTINGS
@given(
    shape=st.sampled_from(STATEMENTS),
    attr=st.sampled_from(["split", "partition", "rsplit"]),
    s=VALUES,
    t=st.sampled_from([",", " ", "a"]),
)
def test_checked_code_behaves_the_same(shape: tuple[str, int], attr: str, s: Any, t: str) -> None:
    statement, column = shape
    before = f"def f(s, t):\n    {statement.format(a=attr)}\n"
    message = f'Item "None" of "str | None" has no attribute "{attr}"'
    found = Finding(code="mypy:union-attr", path="m.py", line=2, column=column + 5, message=message)
    result = run_codemod("RaiseIfNone", before, [found])
    assert result.fixed == (0,), result.unfixed
    assert 'raise AttributeError("s is None")' in result.text
    assert call(result.text, s, t) == call(before, s, t)
