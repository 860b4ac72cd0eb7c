"""heal's own performance rules on look-alikes beyond the catalogue's: where they fire, and the
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
        "import re\n\ndef f(xs):\n    return [re.sub('a', 'b', x) for x in xs]\n",
        [(4, "regex-compiled-in-loop")],
        id="regex in a comprehension",
    ),
]

NOOP = [
    pytest.param(
        "import re\n\ndef f(s):\n    for w in re.findall('a', s):\n        print(w)\n",
        id="regex in a loop's iterable: runs once",
    ),
    pytest.param(
        "from re import match\n\ndef f(xs):\n    for x in xs:\n        match('a', x)\n",
        id="re function imported by name",
    ),
    pytest.param(
        "def f(xs):\n    for x in xs:\n        if x in [y for y in xs]:\n            pass\n",
        id="membership in a comprehension",
    ),
    pytest.param("def f(d):\n    while d:\n        d.pop(0)\n", id="pop(0) on what may be a dict"),
    pytest.param(
        "def f(xs, cursor):\n    for x in xs:\n        cursor.execute('select 1')\n",
        id="query without the loop variable",
    ),
    pytest.param(
        "def f(names):\n    for name in names:\n        open(name).close()\n",
        id="open() in a loop not over ids",
    ),
    pytest.param(
        "def f(xs):\n    s = ''\n    for x in xs:\n        s += x\n"
        "    def g():\n        return s\n    return g\n",
        id="accumulator seen by a closure",
    ),
    pytest.param(
        "def f(xs):\n    for i in range(len(xs)):\n        xs.append(xs[i])\n",
        id="range(len) that grows the list",
    ),
    pytest.param(
        "def f(xs, c):\n    s = ''\n    if c:\n        s = []\n"
        "    for x in xs:\n        s += x\n    return s\n",
        id="accumulator maybe not a string",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FIRES)
def test_rule_fires(source: str, expected: list[tuple[int, str]]) -> None:
    assert rules_at(source) == expected


@pytest.mark.parametrize("source", NOOP)
def test_lookalike_is_not_reported(source: str) -> None:
    assert rules_at(source) == []
