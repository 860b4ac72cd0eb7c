"""The import-cycle codemod's first look (stdlib ast) refuses only what libcst's scope analysis
refuses, with the same words; where it is not sure it says nothing."""

from __future__ import annotations

import ast
import sysconfig
from functools import cached_property
from pathlib import Path

import pytest

from healers.finding import Finding
from healers.imports.runtime_uses import Uses
from healers.imports.type_checking import MoveImportUnderTypeChecking


class _Silent(Uses):
    def refusal(self, line: int) -> str | None:
        return None


class LibcstOnly(MoveImportUnderTypeChecking):
    """The codemod as it was: libcst decides every finding."""

    @cached_property
    def first_look(self) -> Uses:
        return _Silent(self.source)


def _finding(line: int) -> Finding:
    return Finding(code="heal:import-cycle", path="m.py", line=line, column=1, message="cycle")


def _import_lines(text: str) -> list[int]:
    imports = (s for s in ast.walk(ast.parse(text)) if isinstance(s, (ast.Import, ast.ImportFrom)))
    return sorted({s.lineno for s in imports})  # nested ones too: "no top-level import"


def _compare(text: str) -> tuple[int, int]:
    """(lines the first look refused, import lines) — and every refusal is libcst's own."""
    lines = _import_lines(text)
    findings = [_finding(n) for n in lines]
    slow = LibcstOnly.run(text, findings)
    quick = MoveImportUnderTypeChecking.run(text, findings)
    assert quick == slow
    uses = Uses(text)
    said = [n for n in lines if uses.refusal(n) is not None]
    why = dict(getattr(slow, "skipped", ()))
    for index, line in enumerate(lines):
        if (words := uses.refusal(line)) is not None:
            assert why.get(index) == words, (line, words, why.get(index))
    return len(said), len(lines)


CASES = {
    "used": ("from pkg import A\n\nx = A()\n", True),
    "annotation only": ("from pkg import A\n\ndef f(a: A) -> A: ...\n", True),  # evaluated
    "annotation, lazy": (
        "from __future__ import annotations\nfrom pkg import A\n\ndef f(a: A) -> A: ...\n",
        False,
    ),
    "inside a function": ("def f():\n    import os\n    return os\n", True),
    "decorated": ("import functools\n\n@functools.cache\ndef f(): ...\n", True),
    "under the guard and its else": (
        "from typing import TYPE_CHECKING\nfrom pkg import A\n"
        "if TYPE_CHECKING:\n    A()\nelse:\n    A()\n",
        False,
    ),
    "rebound": ("from pkg import A\n\ndef f():\n    A = 1\n    return A\n", False),
    "exported": ('from pkg import A\n__all__ = ["A"]\nA()\n', False),
    "dotted": ("import pkg.mod\n\npkg.mod.f()\n", False),
    "alias, two uses": ("import pkg as p\n\np.f()\nprint(p)\n", True),
    "decorator and default": ("from pkg import d\n\n@d\ndef f(x=d): ...\n", True),
    "deleted": ("import pkg\n\npkg.f()\ndel pkg\n", False),
    "global elsewhere": ("from pkg import A\n\ndef f():\n    global A\n    A = 2\nA()\n", False),
    "single-line guard": ("from pkg import A\nif TYPE_CHECKING: A()\nA()\n", False),
}


@pytest.mark.parametrize("name", CASES)
def test_the_first_look_speaks_only_when_sure(name: str) -> None:
    text, speaks = CASES[name]
    refused, _ = _compare(text)
    assert (refused > 0) == speaks


def _stdlib(limit: int) -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.glob("*.py") if p.stat().st_size < 200_000)[:limit]


@pytest.mark.slow  # libcst's scope analysis on a hundred real modules
def test_on_the_standard_library_the_first_look_says_what_libcst_says() -> None:
    refused = total = 0
    for path in _stdlib(100):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        r, t = _compare(text)
        refused, total = refused + r, total + t
    assert total > 400 and refused > total // 2, (refused, total)  # it does speak, and often
