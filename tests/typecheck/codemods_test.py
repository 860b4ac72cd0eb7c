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
    "RaiseIfNone": "mypy:union-attr",
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
        "MakeOptionalExplicit",
        (3, 10),
        "def f() -> None:\n    found: str = None\n    print(found)\n",
        "def f() -> None:\n    found: str | None = None\n    print(found)\n",
        id="optional: a local annotated and assigned None",
    ),
    pytest.param(
        "MakeOptionalExplicit",
        (3, 9),
        "import os\n\nHOME: str = None\nprint(os.sep, HOME)\n",
        "import os\nfrom typing import Optional\n\nHOME: Optional[str] = None\n"
        "print(os.sep, HOME)\n",
        id="optional: a module variable on Python 3.9 (its annotation is evaluated)",
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
        "RaiseIfNone",
        None,
        "import io\n\n\nclass C:\n    def __init__(self) -> None:\n"
        "        self.f: io.StringIO | None = None\n\n    def stop(self) -> None:\n"
        "        self.f.close()  # done\n",
        "import io\n\n\nclass C:\n    def __init__(self) -> None:\n"
        "        self.f: io.StringIO | None = None\n\n    def stop(self) -> None:\n"
        '        if self.f is None:\n            raise AttributeError("self.f is None")\n'
        "        self.f.close()  # done\n",
        id="union-attr: an attribute of self",
    ),
    pytest.param(
        "RaiseIfNone",
        None,
        "import re\n\n\ndef f(s: str) -> int:\n    m = re.match('a', s)\n"
        "    if m.end() > 1:\n        return m.start()\n    return m.end()\n",
        "import re\n\n\ndef f(s: str) -> int:\n    m = re.match('a', s)\n"
        '    if m is None:\n        raise AttributeError("m is None")\n'
        "    if m.end() > 1:\n        return m.start()\n    return m.end()\n",
        id="union-attr: one check before an if serves the uses after it",
    ),
    pytest.param(
        "RaiseIfNone",
        None,
        "import re\n\n\ndef f(s: str) -> str:\n    m = re.match('a', s)\n"
        "    with open(m.group(0)) as fh:\n        return fh.read()\n",
        "import re\n\n\ndef f(s: str) -> str:\n    m = re.match('a', s)\n"
        '    if m is None:\n        raise AttributeError("m is None")\n'
        "    with open(m.group(0)) as fh:\n        return fh.read()\n",
        id="union-attr: a with item",
    ),
    pytest.param(
        "RaiseIfNone",
        None,
        "import re\n\n\ndef f(s: str) -> list[str]:\n    m = re.match('a', s)\n"
        "    return [w for w in m.group(0).split() if w]\n",
        "import re\n\n\ndef f(s: str) -> list[str]:\n    m = re.match('a', s)\n"
        '    if m is None:\n        raise AttributeError("m is None")\n'
        "    return [w for w in m.group(0).split() if w]\n",
        id="union-attr: the first iterable of a comprehension is evaluated at once",
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
        "MakeOptionalExplicit",
        (3, 12),
        "class Config:\n    path: str = None\n",
        "class attribute",
        id="optional: a class attribute (dataclasses and pydantic read it)",
    ),
    pytest.param(
        "MakeOptionalExplicit",
        (3, 12),
        "from typing import Final\n\nLIMIT: Final[int] = None\n",
        "would change meaning",
        id="optional: Final[...] around the type",
    ),
    pytest.param(
        "MakeOptionalExplicit",
        (3, 12),
        "def f() -> None:\n    found: str\n    found = None\n",
        "without an annotation in the same statement",
        id="optional: None assigned apart from the annotation",
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
        "RaiseIfNone",
        None,
        "def f(s: str | None, t: str) -> str:\n    return t or s.upper()\n",
        "only on some paths",
        id="union-attr: the right side of and",
    ),
    pytest.param(
        "RaiseIfNone",
        None,
        "def f(s: str | None, t: str) -> str:\n    if t:\n        return t\n"
        "    elif s.upper():\n        return s\n    return t\n",
        "elif",
        id="union-attr: an elif test",
    ),
    pytest.param(
        "RaiseIfNone",
        None,
        "def f(xs: list[str | None]) -> list[str]:\n    return [x.upper() for x in xs]\n",
        "comprehension",
        id="union-attr: a comprehension",
    ),
    pytest.param(
        "RaiseIfNone",
        None,
        "def f(s: str | None) -> None:\n    print(1); print(s.upper())\n",
        "several statements",
        id="union-attr: several statements on the line",
    ),
    pytest.param(
        "RaiseIfNone",
        None,
        "def f(s: str | None) -> None:\n    while s.strip():\n        s = None\n",
        "loop test",
        id="union-attr: a while test",
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
