"""The type codemods, on findings from real mypy runs: each table row is (codemod, mypy flags,
target Python, source before, source after); the `*_noop` rows say why the file stays as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from healers import tools
from healers.finding import Finding
from healers.tools import mypy as mypy_tool
from healers.tools import ruff as ruff_tool
from tests.helpers import run_codemod

pytestmark = pytest.mark.slow  # the real analyzers, git or heal end to end

# the codes each codemod is given, as the catalogue routes them
CODES = {
    "MakeOptionalExplicit": "mypy:assignment",
    "UseTypingName": "mypy:valid-type",
    "AnnotateEmptyLiteral": "mypy:var-annotated",
    "RemoveUnusedIgnore": "mypy:unused-ignore",
    "UnwrapRedundantCast": "mypy:redundant-cast",
    "AnnotateReturn": "mypy:no-untyped-def",
    "AddReturnNone": "mypy:return",
    "GuardNone": "mypy:union-attr",
}
FLAGS = "warn_unused_ignores = true\nwarn_redundant_casts = true\ndisallow_untyped_defs = true\n"


def mypy(tmp_path: Path, source: str, code: str) -> list[Finding]:
    """Real mypy findings of `code` for `source` saved as example.py, with the flags above."""
    (tmp_path / "example.py").write_bytes(source.encode())
    (tmp_path / "pyproject.toml").write_text(f"[tool.mypy]\n{FLAGS}", encoding="utf-8")
    args = mypy_tool.command(
        ["example.py"], config="pyproject.toml", cache_dir=str(tmp_path / "cache")
    )
    out = tools.run_tool("mypy", args, cwd=tmp_path, ok=(0, 1))
    return [f for f in mypy_tool.read(out.stdout, str(tmp_path)) if f.code == code]


def import_order(tmp_path: Path, source: str) -> list[Finding]:
    """Real ruff isort findings (I001) for `source`: an import heal adds must stay sorted."""
    (tmp_path / "sorted.py").write_bytes(source.encode())
    args = ["check", "--isolated", "--no-cache", "--exit-zero", "--output-format", "json"]
    out = tools.run_tool("ruff", [*args, "--select", "I", "sorted.py"], cwd=tmp_path, ok=(0,))
    return ruff_tool.read(out.stdout, str(tmp_path))


FIXES = [
    pytest.param(
        "MakeOptionalExplicit",
        (3, 10),
        'def f(m: "Model" = None) -> None: ...\n\n\nclass Model: ...\n',
        'def f(m: "Model | None" = None) -> None: ...\n\n\nclass Model: ...\n',
        id="optional: a string annotation stays a string",
    ),
    pytest.param(
        "MakeOptionalExplicit",
        (3, 9),
        'def f(m: "Model" = None) -> None: ...\n\n\nclass Model: ...\n',
        'from typing import Optional\n\n\ndef f(m: Optional["Model"] = None) -> None: ...\n'
        "\n\nclass Model: ...\n",
        id="optional: Python 3.9, string annotation",
    ),
    pytest.param(
        "MakeOptionalExplicit",
        (3, 8),
        "from __future__ import annotations\n\n\ndef f(n: int = None) -> None: ...\n",
        "from __future__ import annotations\n\n\ndef f(n: int | None = None) -> None: ...\n",
        id="optional: lazy annotations allow | on any Python",
    ),
    pytest.param(
        "MakeOptionalExplicit",
        None,
        "from typing import Optional\n\n\ndef f(n: int = None, s: Optional[str] = None) -> None:"
        " ...\n",
        "from typing import Optional\n\n\n"
        "def f(n: Optional[int] = None, s: Optional[str] = None) -> None: ...\n",
        id="optional: target unknown, Optional already imported",
    ),
    pytest.param(
        "UseTypingName",
        None,
        "from typing import Any\n\n\ndef f(x: Any, g: callable) -> any:\n    return g(x)\n",
        "from typing import Any, Callable\n\n\n"
        "def f(x: Any, g: Callable) -> Any:\n    return g(x)\n",
        id="valid-type: the file takes its typing names from typing",
    ),
    pytest.param(
        "AnnotateEmptyLiteral",
        None,
        "class Log:\n    def __init__(self) -> None:\n        self.lines = []\n\n"
        "    def add(self, line: str) -> None:\n        self.lines.append(line)\n",
        "class Log:\n    def __init__(self) -> None:\n        self.lines: list[str] = []\n\n"
        "    def add(self, line: str) -> None:\n        self.lines.append(line)\n",
        id="var-annotated: a typed parameter appended in another method",
    ),
    pytest.param(
        "RemoveUnusedIgnore",
        None,
        "x: int = 1  # type: ignore  # noqa: E501\n",
        "x: int = 1  # noqa: E501\n",
        id="unused-ignore: other pragmas stay",
    ),
    pytest.param(
        "UnwrapRedundantCast",
        None,
        "import typing\n\n\ndef f(a: int, b: int) -> int:\n"
        "    return typing.cast(int, a + b) * 2\n",
        "import typing\n\n\ndef f(a: int, b: int) -> int:\n    return (a + b) * 2\n",
        id="redundant-cast: parentheses keep the precedence",
    ),
    pytest.param(
        "AnnotateReturn",
        None,
        "def f(flag: bool):\n    if flag:\n        return\n    print(flag)\n",
        "def f(flag: bool) -> None:\n    if flag:\n        return\n    print(flag)\n",
        id="no-untyped-def: bare return is None",
    ),
    pytest.param(
        "AddReturnNone",
        None,
        "from typing import Optional\n\n\ndef f(x: int) -> Optional[int]:\n    if x:\n"
        "        return x\n",
        "from typing import Optional\n\n\ndef f(x: int) -> Optional[int]:\n    if x:\n"
        "        return x\n    return None\n",
        id="return: Optional admits None",
    ),
    pytest.param(
        "GuardNone",
        None,
        "import io\n\n\nclass C:\n    def __init__(self) -> None:\n"
        "        self.f: io.StringIO | None = None\n\n    def stop(self) -> None:\n"
        "        if self.f is None:\n            print('not open')\n"
        "        self.f.close()  # done\n",
        "import io\n\n\nclass C:\n    def __init__(self) -> None:\n"
        "        self.f: io.StringIO | None = None\n\n    def stop(self) -> None:\n"
        "        if self.f is None:\n            print('not open')\n"
        "        if self.f is not None:\n            self.f.close()  # done\n",
        id="union-attr: an attribute of self the method tests for None",
    ),
]

NOOPS = [
    pytest.param(
        "AnnotateEmptyLiteral",
        None,
        '"""Doc."""\n\n\ndef f() -> None:\n    out = []\n    print(out)\n',
        "`Any` would only quiet mypy",
        id="var-annotated: never Any",
    ),
    pytest.param(
        "AnnotateEmptyLiteral",
        None,
        "class T:\n    def __init__(self) -> None:\n        self.specs = []\n\n"
        "    def add(self, spec: str) -> None:\n        self.specs.append(spec)\n\n"
        "    def reset(self) -> None:\n        self.specs = None\n",
        "also assigned `None` on line 9",
        id="var-annotated: another assignment in the class",
    ),
    pytest.param(
        "MakeOptionalExplicit",
        (3, 9),
        "Optional = list\n\n\ndef f(n: int = None) -> None: ...\n",
        "bound here",
        id="optional: Optional means something else",
    ),
    pytest.param(
        "AnnotateEmptyLiteral",
        (3, 8),
        "cache = {}\n",
        "Python < 3.9",
        id="var-annotated: module annotation evaluated on an old Python",
    ),
    pytest.param(
        "AnnotateEmptyLiteral",
        None,
        "a = b = []\n",
        "not a single assignment",
        id="var-annotated: chained assignment",
    ),
    pytest.param(
        "AnnotateReturn",
        None,
        "def f(flag: bool):\n    yield flag\n",
        "other than one kind of literal",
        id="no-untyped-def: a generator",
    ),
    pytest.param(
        "AnnotateReturn",
        None,
        "def f(flag: bool):\n    return 1 if flag else 'one'\n",
        "other than one kind of literal",
        id="no-untyped-def: an expression",
    ),
    pytest.param(
        "AddReturnNone",
        None,
        "def f(x: int) -> int:\n    if x:\n        return x\n",
        "does not admit None",
        id="return: int does not admit None",
    ),
    pytest.param(
        "GuardNone",
        None,
        "def f(s: str | None) -> str:\n    return s.upper()\n",
        "line 2, column 12",
        id="union-attr: a returned value: what None means is not clear",
    ),
    pytest.param(
        "GuardNone",
        None,
        "class Node:\n    def __init__(self, parent: 'Node | None') -> None:\n"
        "        self.parent = parent\n\n    def detach(self) -> None:\n"
        "        self.parent.remove(self)\n\n    def remove(self, child: 'Node') -> None: ...\n",
        "into a silent no-op",
        id="union-attr: a guard would swallow the AttributeError",
    ),
]


@pytest.mark.parametrize(("codemod", "target", "before", "after"), FIXES)
def test_fixes(
    tmp_path: Path, codemod: str, target: tuple[int, int] | None, before: str, after: str
) -> None:
    findings = mypy(tmp_path, before, CODES[codemod])
    assert findings, "mypy must report the finding"
    result = run_codemod(codemod, before, findings, target)
    assert result.text == after
    assert result.fixed == tuple(range(len(findings)))
    assert mypy(tmp_path, after, CODES[codemod]) == []
    assert import_order(tmp_path, after) == []


@pytest.mark.parametrize(("codemod", "target", "source", "why"), NOOPS)
def test_noop(
    tmp_path: Path, codemod: str, target: tuple[int, int] | None, source: str, why: str
) -> None:
    findings = mypy(tmp_path, source, CODES[codemod])
    assert findings, "mypy must report the finding"
    result = run_codemod(codemod, source, findings, target)
    assert result.text == source
    assert result.fixed == ()
    assert [i for i, _ in result.unfixed] == list(range(len(findings)))
    assert all(why in reason for _, reason in result.unfixed), result.unfixed


def test_another_message_under_the_same_code_is_left(tmp_path: Path) -> None:
    source = "def f(n: int = 0) -> None:\n    n = 'x'\n"
    findings = mypy(tmp_path, source, "mypy:assignment")
    result = run_codemod("MakeOptionalExplicit", source, findings, (3, 12))
    assert result.text == source
    assert "Incompatible types in assignment" in result.unfixed[0][1]
