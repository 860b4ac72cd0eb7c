"""The cheap pre-screen of heal's own rules (candidates.py): every file a rule flags is a
candidate (a miss would lose a finding), plain code is not (it never reaches libcst), and a
scan runs heal's libcst worker only on the candidates."""

from __future__ import annotations

import ast
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from healers import analysis, candidates, catalogue, registry
from tests.helpers import heal, make_repo
from tests.logic import rules_test as logic_rules
from tests.performance import rules_test as performance_rules

OWN = {"logic", "performance"}


def _flagged(text: str) -> bool:
    result = analysis.analyze_job("m.py", text, registry.own_table())
    return bool(result.get("findings"))


def _could(text: str) -> bool:
    return candidates.could_match(ast.parse(text), text)


def _examples() -> Iterator[Any]:
    for rule in catalogue.load().rules.values():
        # heal's own libcst rules; a logic rule for a ruff code (scaffolded ones) is ruff's
        if rule.category in OWN and any(c.startswith("heal:") for c in rule.codes):
            for index, example in enumerate(rule.examples):
                yield pytest.param(example.before, id=f"{rule.id}[{index}]")
    for module in (logic_rules, performance_rules):
        for param in module.FIRES:  # the look-alikes where a rule fires
            yield pytest.param(param.values[0], id=param.id)


@pytest.mark.parametrize("text", list(_examples()))
def test_what_a_rule_flags_is_a_candidate(text: str) -> None:
    assert _flagged(text)
    assert _could(text)


@pytest.mark.parametrize(
    "text",
    [
        "import os\n\n\ndef f(x: int) -> int:\n    return x + 1\n",
        "def f(d, xs):\n    for x in xs:\n        d.get(x)\n        y = x\n    return y\n",
        "def f():\n    while True:\n        if g():\n            break\n",
        "def f(x):\n    try:\n        g()\n    except ValueError:\n        pass\n",
        "def f(a):\n    if a == 1:\n        pass\n    elif a == 2:\n        pass\n",
        "import os\n\ndef f(xs):\n    for x in xs:\n        os.path.join(x)\n",
    ],
)
def test_plain_code_is_not_a_candidate(text: str) -> None:
    assert not _flagged(text)
    assert not _could(text)


@pytest.mark.parametrize(
    "text",
    [
        "def f():\n    try:\n        g()\n    except Exception: g()\n",  # a one-line suite
        "def f(a):\n    if a:\n        pass\n    elif (a):\n        pass\n",
        "def f():\n    while 1.5:\n        break\n",
        "import os\n\ndef f(xs):\n    for x in xs:\n        for y in x:\n"
        "            os.path.join(y)\n",
        "def f(xs):\n    s = ''\n    for x in xs:\n        s = s + x\n    return s\n",
    ],
)
def test_the_edges_of_the_rules_stay_candidates(text: str) -> None:
    """What the libcst rules flag in ways that are easy to miss in `ast` terms."""
    assert _could(text)


@pytest.mark.slow
def test_every_stdlib_module_a_rule_flags_is_a_candidate() -> None:
    """Real code: 100 modules of the standard library (about a fifth hold findings)."""
    lib = Path(ast.__file__).parent
    files = sorted(p for p in lib.glob("*.py") if p.stat().st_size < 40_000)[:100]
    flagged = [p for p in files if _flagged(p.read_text(encoding="utf-8"))]
    assert len(flagged) >= 10
    assert [p.name for p in flagged if not _could(p.read_text(encoding="utf-8"))] == []
    assert sum(_could(p.read_text(encoding="utf-8")) for p in files) < 60  # most are skipped


PROJECT = {
    "pyproject.toml": "[project]\nname = 'p'\nrequires-python = '>=3.9'\n",
    "pkg/__init__.py": "",
    "pkg/plain.py": "import os\n\n\ndef f(x: int) -> int:\n    return x + 1\n",
}


def _workers(repo: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    """How many of heal's libcst workers a cold scan starts, and the heal findings."""
    started: list[object] = []
    real_popen = subprocess.Popen

    def popen(argv: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(argv, list) and "healers.tools.worker" in argv:
            started.append(argv)
        return real_popen(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    done = heal(repo, "--scan", ".", "--output-format", "json")
    assert done.code in (0, 1, 3), done.err
    found = [f["code"] for f in json.loads(done.out)["findings"] if f["code"].startswith("heal:")]
    monkeypatch.undo()
    return len(started), found


@pytest.mark.slow
def test_a_scan_starts_no_libcst_worker_when_no_file_can_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "r", PROJECT)
    assert _workers(repo, monkeypatch) == (0, [])
    flagged = {**PROJECT, "pkg/odd.py": "def g(x):\n    return x == x\n"}
    repo = make_repo(tmp_path / "s", flagged)
    workers, found = _workers(repo, monkeypatch)
    assert workers == 1 and found == ["heal:self-comparison"]
