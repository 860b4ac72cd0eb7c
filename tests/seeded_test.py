"""heal's own rules on a seeded module (fixtures/seeded/seeded.py): every pattern is reported at
its line in its category, and `--fix --unsafe-fixes` keeps what the functions compute."""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from healers import catalogue
from tests.helpers import REPO, heal, make_repo, parse_json

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

SEEDED = REPO / "fixtures" / "seeded" / "seeded.py"
PYPROJECT = '[project]\nname = "seeded"\nrequires-python = ">=3.10"\n'
EXPECT = re.compile(r"# expect: ([a-z0-9-]+)")


def expected() -> set[tuple[int, str]]:
    lines = SEEDED.read_text(encoding="utf-8").splitlines()
    return {(n, m[1]) for n, line in enumerate(lines, start=1) if (m := EXPECT.search(line))}


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def behaviour(module: Any, tmp_path: Path) -> list[object]:
    """What the module's functions return for fixed inputs (its infinite loop excepted)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO users VALUES (?, ?)", [(1, "ann"), (2, "bob")])
    return [
        module.render(["a", "b"]),
        module.render([]),
        module.total([1, 2, 3]),
        module.total([]),
        module.labels(["x", "y"]),
        module.keep(["a", "cat", "the", "dog", "an"]),
        module.numbers(["a1b22", "c333", "none"]),
        module.cheapest([3, 1, 2]),
        module.cheapest(["pear", "apple"]),
        module.drain([1, 2, 3]),
        module.drain(()),
        module.names_of(conn, [2, 1]),
        module.paths(["r", "s"], ["a", "b"]),
        module.parse("12"),
        module.parse(""),
        [module.sign(n) for n in (1, -1, 0)],
        module.same(1, 2),
        module.area(2, 3),
        module.greet("x"),
        module.ratio(4, 2),
        module.add("x", []),
        module.load(str(tmp_path / "missing.txt")),
        module.parse_all(["1", "x", "2"]),
    ]


def test_scan_reports_each_seeded_pattern_at_its_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"pyproject.toml": PYPROJECT, "seeded.py": SEEDED.read_text()})
    run = heal(repo, "--scan", ".", "--output-format", "json")
    assert run.code == 1, run.err  # the logic fixes are proposals: ordinary findings, no block
    ours = [f for f in parse_json(run.out)["findings"] if f["code"].startswith("heal:")]
    assert {(f["line"], f["rule"]) for f in ours} == expected()
    rules = catalogue.load().rules
    for f in ours:
        rule = rules[f["rule"]]
        assert f["category"] == rule.category, f
        assert f["priority"] == ("P1" if rule.category == "logic" else "P2"), f
        if rule.approval == "always":
            assert f["status"] == "needs-approval", f
    # where ruff reports the same pattern (B006, F631, PLW0127, B012) one finding remains
    lines = [(f["line"], f["rule"]) for f in parse_json(run.out)["findings"]]
    assert len(lines) == len(set(lines))
    assert {r for _, r in expected()} == {
        r.id for r in rules.values() if r.category in ("performance", "logic")
    }


def test_fix_applies_performance_fixes_and_keeps_behaviour(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"pyproject.toml": PYPROJECT, "seeded.py": SEEDED.read_text()})
    before = behaviour(load(repo / "seeded.py", "seeded_before"), tmp_path)
    run = heal(repo, "--scan", ".", "--fix", "--unsafe-fixes", "--output-format", "json")
    assert run.code == 1, run.err
    payload = parse_json(run.out)
    fixed = {f["rule"] for f in payload["findings"] if f["status"] == "fixed"}
    performance = fixed & {
        r.id for r in catalogue.load().rules.values() if r.category == "performance"
    }
    assert len(performance) >= 3, fixed
    assert performance >= {"string-concat-in-loop", "range-len-indexing", "regex-compiled-in-loop"}
    text = (repo / "seeded.py").read_text(encoding="utf-8")
    assert '"".join' in text and "for price in prices" in text and "_NUMBERS_PATTERN" in text
    # the logic fixes were proposed, not written
    assert "bag=[]" in text and 'assert (b != 0, "b must not be zero")' in text
    after = behaviour(load(repo / "seeded.py", "seeded_after"), tmp_path)
    assert after == before
