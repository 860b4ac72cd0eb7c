"""heal's own rules: the one-pass analyzer in the worker, its failures per file, the proposed
fixes of the approval-gated rules, and look-alikes beyond the catalogue's."""

from __future__ import annotations

import pytest

from healers import analysis, catalogue, registry
from healers.analyze import own_rules
from healers.finding import Example, Finding, Rule
from tests.helpers import run_codemod

GATED = [
    pytest.param(rule, example, id=f"{rule.id}[example {i}]")
    for rule in sorted(catalogue.load().rules.values(), key=lambda r: r.id)
    if rule.approval == "always" and rule.fix != "none" and rule.source.startswith("rules/logic")
    for i, example in enumerate(rule.examples)
]


def analyze(source: str) -> list[Finding]:
    result = analysis.analyze_job("m.py", source, registry.own_table())
    assert "error" not in result, result
    return [Finding(**f) for f in result["findings"]]


def rules_at(source: str) -> list[tuple[int, str]]:
    return [(f.line, f.name) for f in analyze(source)]


@pytest.mark.parametrize(("rule", "example"), GATED)
def test_approval_gated_fix_is_proposed(rule: Rule, example: Example) -> None:
    """`--fix` leaves these for a human (rules_test checks that); the diff a human approves is
    the codemod's, and it turns `before` into exactly `after`."""
    found = [f for f in analyze(example.before) if f.name == rule.id]
    assert found
    result = run_codemod(rule.fix, example.before, found)
    assert result.text == example.after
    assert len(result.fixed) == len(found)


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
    pytest.param("def f():\n    while True:\n        yield 1\n", id="infinite generator"),
    pytest.param(
        "async def f(q):\n    while True:\n        await q.get()\n", id="task loop until cancelled"
    ),
    pytest.param(
        "def f(x):\n    if x:\n        return 1\n    elif g(x):\n"
        "        return 2\n    elif g(x):\n        return 3\n",
        id="duplicate condition with a call",
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
    pytest.param("class C:\n    x = 1\n    x = x\n", id="class body copies a name"),
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


def test_a_file_that_hangs_libcst_costs_that_file_only() -> None:
    """The analyzers run in the worker with the codemods' timeout: a pathological file (5,000
    terms take libcst seconds to parse) becomes one finding, and the files after it in the same
    batch are still analyzed by a fresh worker."""
    slow = "x = " + "+".join(["1"] * 20_000) + "\n"
    ok = "def f(a):\n    return a == a\n"
    found = own_rules([("slow.py", slow), ("ok.py", ok)], timeout=1.0)
    assert [(f.path, f.code) for f in found] == [
        ("slow.py", "heal:analysis-failed"),
        ("ok.py", "heal:self-comparison"),
    ]
    assert "timed out" in found[0].message


def test_a_file_that_crashes_libcst_costs_that_file_only() -> None:
    deep = "x = " + "(" * 10_000 + ")" * 10_000 + "\n"  # libcst 1.9 segfaults on this
    ok = "def f(a):\n    return a == a\n"
    found = own_rules([("deep.py", deep), ("ok.py", ok)], timeout=20.0)
    assert [(f.path, f.code) for f in found] == [
        ("deep.py", "heal:analysis-failed"),
        ("ok.py", "heal:self-comparison"),
    ]
