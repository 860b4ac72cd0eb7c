"""Property tests of the type codemods on programs hypothesis builds from templates: RaiseIfNone's
checked code returns what the original returned and raises AttributeError exactly where the
original did; MakeOptionalExplicit on `x: T = None` changes the annotation and nothing else."""

from __future__ import annotations

import ast
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


HINTS = st.sampled_from(["int", "str", "list[int]", "dict[str, int]", '"Model"', "tuple[int, ...]"])


@SETTINGS
@given(
    hint=HINTS,
    target=st.sampled_from([(3, 9), (3, 10), (3, 13)]),
    values=st.lists(st.integers(-3, 3), max_size=4),
)
def test_optional_variable_changes_only_the_annotation(
    hint: str, target: tuple[int, int], values: list[int]
) -> None:
    before = (
        "def f(values, t):\n"
        f"    found: {hint} = None\n"
        "    for v in values:\n"
        "        if v > 0:\n"
        "            found = v\n"
        "    return found\n"
    )
    shown = hint.strip('"')
    message = (
        'Incompatible types in assignment (expression has type "None", '
        f'variable has type "{shown}")'
    )
    found = Finding(
        code="mypy:assignment", path="m.py", line=2, column=15 + len(hint), message=message
    )
    result = run_codemod("MakeOptionalExplicit", before, [found], target)
    assert result.fixed == (0,), result.unfixed
    old, new = ast.parse(before), ast.parse(result.text)
    new_hint = new.body[-1].body[0].annotation  # type: ignore[attr-defined]
    assert "None" in ast.unparse(new_hint) or "Optional[" in ast.unparse(new_hint)
    new.body[-1].body[0].annotation = old.body[0].body[0].annotation  # type: ignore[attr-defined]
    assert ast.dump(new.body[-1]) == ast.dump(old.body[0])
    assert call(result.text, values, "") == call(before, values, "")
