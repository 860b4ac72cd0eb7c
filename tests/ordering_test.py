"""ruff's "safe" sorts of `__slots__` and `__all__` are refused where the module reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from healers.ordering import reads_order
from tests.helpers import heal, make_repo

HEADER = """\
class Header:
    __slots__ = ["version", "count"]

    def __init__(self, *args: int) -> None:
        for attr, value in zip(self.__slots__, args):
            setattr(self, attr, value)
"""


@pytest.mark.parametrize(
    ("code", "text", "refused"),
    [
        pytest.param("ruff:RUF023", HEADER, True, id="slots zipped with values"),
        pytest.param("ruff:RUF023", 'class A:\n    __slots__ = ["b", "a"]\n', False, id="only set"),
        pytest.param("ruff:RUF022", '__all__ = ["b", "a"]\nprint(__all__[0])\n', True, id="all"),
        pytest.param("ruff:F401", HEADER, False, id="another code"),
    ],
)
def test_reads_order(code: str, text: str, refused: bool) -> None:
    assert bool(reads_order(code, text)) is refused


@pytest.mark.slow
def test_heal_keeps_the_order_code_reads(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {"m.py": HEADER})
    done = heal(repo, "m.py", "--select", "ruff:RUF023", "--fix", "--output-format", "json")
    assert (repo / "m.py").read_text(encoding="utf-8") == HEADER
    (found,) = json.loads(done.out)["findings"]
    assert "reads __slots__ (line 5)" in found["fix"], found
