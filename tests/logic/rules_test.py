"""heal's own logic rules on look-alikes beyond the catalogue's: where they fire, and the
code they leave alone."""

from __future__ import annotations

import pytest

from healers import analysis, registry


def rules_at(source: str) -> list[tuple[int, str]]:
    """(line, rule) of each finding of heal's own rules, as the worker reports them."""
    result = analysis.analyze_job("m.py", source, registry.own_table())
    assert "error" not in result, result
    return [(f["line"], f["name"]) for f in result["findings"]]


FIRES = [
    pytest.param(
        "def f(x):\n    while 1:\n        x()\n", [(2, "while-true-without-exit")], id="while 1"
    ),
    pytest.param(
        "def f(xs):\n    while True:\n        for x in xs:\n            break\n",
        [(2, "while-true-without-exit")],
        id="break of an inner loop only",
    ),
    pytest.param("x = 1 if 0 else 2\n", [(1, "constant-condition")], id="conditional expression"),
    pytest.param(
        "def f(a, b):\n    a, b = a, b\n", [(2, "self-assignment")], id="tuple swap to itself"
    ),
    pytest.param(
        "def f(xs):\n    try:\n        pass\n    except:\n        pass\n",
        [(4, "swallowed-exception")],
        id="bare except",
    ),
    pytest.param(
        "def f(xs):\n    for x in xs:\n        try:\n"
        "            pass\n        finally:\n            continue\n",
        [(6, "return-in-finally")],
        id="continue of the outer loop in finally",
    ),
]

NOOP = [
    pytest.param("def f():\n    while True:\n        yield 1\n", id="infinite generator"),
    pytest.param(
        "async def f(q):\n    while True:\n        await q.get()\n", id="task loop until cancelled"
    ),
    pytest.param(
        "def f(x):\n    if x:\n        return 1\n    elif g(x):\n"
        "        return 2\n    elif g(x):\n        return 3\n",
        id="duplicate condition with a call",
    ),
    pytest.param("class C:\n    x = 1\n    x = x\n", id="class body copies a name"),
]


@pytest.mark.parametrize(("source", "expected"), FIRES)
def test_rule_fires(source: str, expected: list[tuple[int, str]]) -> None:
    assert rules_at(source) == expected


@pytest.mark.parametrize("source", NOOP)
def test_lookalike_is_not_reported(source: str) -> None:
    assert rules_at(source) == []
