"""heal's own rules in the worker: a file that hangs or crashes libcst costs that file only.
(The rules' look-alikes are in tests/performance/ and tests/logic/, with their codemods.)"""

from __future__ import annotations

import pytest

from healers.analyze import own_rules


@pytest.mark.slow
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


@pytest.mark.slow
def test_a_file_that_crashes_libcst_costs_that_file_only() -> None:
    deep = "x = " + "(" * 10_000 + ")" * 10_000 + "\n"  # libcst 1.9 segfaults on this
    ok = "def f(a):\n    return a == a\n"
    found = own_rules([("deep.py", deep), ("ok.py", ok)], timeout=20.0)
    assert [(f.path, f.code) for f in found] == [
        ("deep.py", "heal:analysis-failed"),
        ("ok.py", "heal:self-comparison"),
    ]
