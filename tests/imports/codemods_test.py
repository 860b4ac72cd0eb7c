"""The import codemods, on findings from real ruff runs (F821) and from heal's cycle analyzer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from healers import catalogue
from healers.finding import Example, Finding, Rule
from healers.imports.cycles import find_cycles
from healers.imports.stdlib import STDLIB_SYMBOLS
from healers.tools import mypy as mypy_tool
from healers.tools import ruff as ruff_tool
from tests.helpers import run_codemod


def ruff(tmp_path: Path, source: str, select: str) -> list[Finding]:
    """Real `ruff check --isolated` findings for `source` saved as example.py (bytes kept)."""
    (tmp_path / "example.py").write_bytes(source.encode())
    args = ["check", "--isolated", "--no-cache", "--exit-zero", "--output-format", "json"]
    run = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--select", select, "example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    return ruff_tool.read(run.stdout, str(tmp_path))


def undefined(tmp_path: Path, source: str) -> list[Finding]:
    return ruff(tmp_path, source, "F821")


def unsorted(tmp_path: Path, source: str) -> bool:
    return bool(ruff(tmp_path, source, "I"))


ADD_FIXES = [
    pytest.param(
        '"""Docs."""\n\nfrom __future__ import annotations\n\nimport os\n\n\n'
        "def home() -> Path:\n    return Path(os.sep)\n",
        '"""Docs."""\n\nfrom __future__ import annotations\n\nimport os\nfrom pathlib import Path\n'
        "\n\n"
        "def home() -> Path:\n    return Path(os.sep)\n",
        id="docstring and future import",
    ),
    pytest.param(
        '"""Docs."""\n\nfrom __future__ import annotations\n\nx: Optional[int] = None\n',
        '"""Docs."""\n\nfrom __future__ import annotations\n\nfrom typing import Optional\n\n'
        "x: Optional[int] = None\n",
        id="after future import, nothing else",
    ),
    pytest.param(
        "import os\nfrom typing import Any, cast\n\nx: Optional[Any] = cast(Any, os)\n",
        "import os\nfrom typing import Any, Optional, cast\n\nx: Optional[Any] = cast(Any, os)\n",
        id="merge into an existing from-import",
    ),
    pytest.param(
        "from typing import Any, cast\n\nif TYPE_CHECKING:\n    x: Any = cast(Any, 1)\n",
        "from typing import TYPE_CHECKING, Any, cast\n\nif TYPE_CHECKING:\n"
        "    x: Any = cast(Any, 1)\n",
        id="merge orders constants, classes, functions",
    ),
    pytest.param(
        "from typing import (\n    Any,\n    Dict,  # legacy\n)\n\n"
        "x: Optional[Dict[str, Any]] = None\n",
        "from typing import (\n    Any,\n    Dict,  # legacy\n    Optional,\n)\n\n"
        "x: Optional[Dict[str, Any]] = None\n",
        id="merge at the end of a wrapped from-import keeps its comment",
    ),
    pytest.param(
        "from typing import (\n    Any,\n    Union,\n)\n\nx: Optional[Union[Any, int]] = None\n",
        "from typing import (\n    Any,\n    Optional,\n    Union,\n)\n\n"
        "x: Optional[Union[Any, int]] = None\n",
        id="merge inside a wrapped from-import",
    ),
    pytest.param(
        "from typing import Any, Dict, Generic, List, NamedTuple, Protocol, Tuple, TypeVar, Union\n"
        "\n"
        "x: Optional[Any] = None\n",
        "from typing import (\n    Any,\n    Dict,\n    Generic,\n    List,\n    NamedTuple,\n"
        "    Optional,\n    Protocol,\n    Tuple,\n    TypeVar,\n    Union,\n)\n\n"
        "x: Optional[Any] = None\n",
        id="merge past the line length wraps like isort",
    ),
    pytest.param(
        "x = json.dumps({})\n",
        "import json\n\nx = json.dumps({})\n",
        id="module used as module.attr, no imports",
    ),
    pytest.param(
        "def dump() -> str:\n    return json.dumps({})\n",
        "import json\n\n\ndef dump() -> str:\n    return json.dumps({})\n",
        id="no imports, a function follows: two blank lines",
    ),
    pytest.param(
        "import os\nimport sys\n\nimport requests\n\nx = re.compile(os.sep), sys, requests\n",
        "import os\nimport re\nimport sys\n\nimport requests\n\n"
        "x = re.compile(os.sep), sys, requests\n",
        id="sorted into the stdlib section",
    ),
    pytest.param(
        "import os\nimport sys\n\nx = Path(os.sep), sys\n",
        "import os\nimport sys\nfrom pathlib import Path\n\nx = Path(os.sep), sys\n",
        id="from-imports after straight imports",
    ),
    pytest.param(
        "import requests\n\nx = Path(requests.__file__)\n",
        "from pathlib import Path\n\nimport requests\n\nx = Path(requests.__file__)\n",
        id="new stdlib section above third-party",
    ),
    pytest.param(
        "from __future__ import annotations\n\n# the HTTP client\nimport requests\n\nx = Path()\n",
        "from __future__ import annotations\n\nfrom pathlib import Path\n\n# the HTTP client\n"
        "import requests\n\nx = Path()\n",
        id="comment stays with the import below it",
    ),
    pytest.param(
        "import sys\r\n\r\nx = defaultdict(list)\r\ny = Path(sys.prefix)\r\n",
        "import sys\r\nfrom collections import defaultdict\r\nfrom pathlib import Path\r\n\r\n"
        "x = defaultdict(list)\r\ny = Path(sys.prefix)\r\n",
        id="CRLF newlines",
    ),
    pytest.param(
        "from typing import (\n\tAny,\n\tDict,\n)\n\n\ndef f(x: Any) -> Dict[str, Any]:\n"
        "\treturn {str(Path()): x}\n",
        "from pathlib import Path\nfrom typing import (\n\tAny,\n\tDict,\n)\n\n\n"
        "def f(x: Any) -> Dict[str, Any]:\n\treturn {str(Path()): x}\n",
        id="tab-indented file",
    ),
    pytest.param(
        "from typing import Any, Dict, Generic, List, NamedTuple, Protocol, Tuple, TypeVar, Union\n"
        "\n"
        "\ndef f(x: Any) -> Optional[Any]:\n\treturn x\n",
        "from typing import (\n\tAny,\n\tDict,\n\tGeneric,\n\tList,\n\tNamedTuple,\n"
        "\tOptional,\n\tProtocol,\n\tTuple,\n\tTypeVar,\n\tUnion,\n)\n\n"
        "\ndef f(x: Any) -> Optional[Any]:\n\treturn x\n",
        id="tab-indented file: wrapped with tabs",
    ),
    pytest.param(
        "def f(p: Path, q: Path) -> Optional[Path]:\n    return p or q\n",
        "from pathlib import Path\nfrom typing import Optional\n\n\n"
        "def f(p: Path, q: Path) -> Optional[Path]:\n    return p or q\n",
        id="two names, several findings each",
    ),
    pytest.param(
        "def f(xs: Iterable[int]) -> int:\n    return sum(xs)\n",
        "from collections.abc import Iterable\n\n\ndef f(xs: Iterable[int]) -> int:\n"
        "    return sum(xs)\n",
        id="abstract collections from collections.abc",
    ),
    pytest.param(
        "from typing import Any\n\n\ndef f(xs: Iterable[Any]) -> int:\n    return len(list(xs))\n",
        "from typing import Any, Iterable\n\n\ndef f(xs: Iterable[Any]) -> int:\n"
        "    return len(list(xs))\n",
        id="abstract collections from typing when the file does so",
    ),
    pytest.param(
        "def stamp() -> object:\n    return datetime(2020, 1, 1)\n",
        "from datetime import datetime\n\n\ndef stamp() -> object:\n"
        "    return datetime(2020, 1, 1)\n",
        id="datetime the class, used bare",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("before", "after"), ADD_FIXES)
def test_add_stdlib_import_fixes(tmp_path: Path, before: str, after: str) -> None:
    findings = undefined(tmp_path, before)
    assert findings, "ruff must flag the input"
    result = run_codemod("AddStdlibImport", before, findings)
    assert result.text == after
    assert (result.fixed, result.unfixed) == (tuple(range(len(findings))), ())
    assert undefined(tmp_path, after) == []
    assert unsorted(tmp_path, after) <= unsorted(tmp_path, before), "isort (I001) now fires"
    # a second run on its own output, with the same findings, changes nothing
    again = run_codemod("AddStdlibImport", after, findings)
    assert (again.text, again.fixed) == (after, ())
    assert all("is bound in this module" in reason for _, reason in again.unfixed)


ADD_NOOP = [
    pytest.param("x = frobnicate(3)\n", "not a standard-library name", id="unknown name"),
    pytest.param(
        "def f(value: int) -> str:\n    return string + str(value)\n",
        "not used as `string.attr`",
        id="bare module name: a typo for a variable?",
    ),
    pytest.param(
        "def f() -> str:\n    return datetime.now().isoformat()\n",
        "the module or its `datetime`",
        id="datetime.x: the module or the class?",
    ),
    pytest.param(
        "def f() -> None:\n    Path = 1\n\n\ndef g() -> object:\n    return Path\n",
        "bound in this module",
        id="bound in another scope",
    ),
    pytest.param(
        "x = Path()\nimport os\n\ny = os\n", "above the module's imports", id="used above imports"
    ),
    pytest.param("x = this.s\n", "not a standard-library name", id="stdlib module that is a joke"),
    pytest.param("x = _thread.get_ident()\n", "not a standard-library name", id="private module"),
    pytest.param("x = tomli.loads('')\n", "not a standard-library name", id="third-party module"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("before", "reason"), ADD_NOOP)
def test_add_stdlib_import_noop(tmp_path: Path, before: str, reason: str) -> None:
    findings = undefined(tmp_path, before)
    assert findings, "ruff must flag the input"
    result = run_codemod("AddStdlibImport", before, findings)
    assert result.text == before
    assert result.fixed == ()
    assert [i for i, _ in result.unfixed] == list(range(len(findings)))
    assert all(reason in why for _, why in result.unfixed), result.unfixed


@pytest.mark.slow
def test_add_stdlib_import_reads_mypy_messages(tmp_path: Path) -> None:
    source = "def f() -> Path:\n    return Path()\n"
    (tmp_path / "example.py").write_text(source)
    args = mypy_tool.command(["example.py"], config=None, cache_dir=str(tmp_path / "cache"))
    run = subprocess.run(  # mypy exits 1: it found the errors this test wants
        [sys.executable, "-m", "mypy", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = [
        f for f in mypy_tool.read(run.stdout, str(tmp_path)) if f.code == "mypy:name-defined"
    ]
    assert len(findings) == 2
    result = run_codemod("AddStdlibImport", source, findings)
    assert result.text == "from pathlib import Path\n\n\n" + source
    assert result.fixed == (0, 1)


def test_unparsable_or_bare_cr_is_left_alone() -> None:
    finding = Finding(
        code="ruff:F821", path="x.py", line=1, column=1, message="Undefined name `Path`"
    )
    for source in ("x = (\n", "x = Path()\r"):
        result = run_codemod("AddStdlibImport", source, [finding])
        assert result.text == source
        assert result.unfixed and "byte for byte" in result.unfixed[0][1]


def test_message_without_a_name_is_unfixed() -> None:
    finding = Finding(code="ruff:F821", path="x.py", line=1, column=1, message="something else")
    result = run_codemod("AddStdlibImport", "x = Path()\n", [finding])
    assert result.text == "x = Path()\n"
    assert result.unfixed == ((0, "cannot read the undefined name from the message"),)


def test_stdlib_symbols_are_importable() -> None:
    import importlib

    missing = [n for n, m in STDLIB_SYMBOLS.items() if not hasattr(importlib.import_module(m), n)]
    assert missing == []
    assert 45 <= len(STDLIB_SYMBOLS) <= 90


# --- MoveImportUnderTypeChecking ----------------------------------------------------------------

B_IMPORTS_A = "from pkg.a import f\n\n\nclass B:\n    name = 'b'\n"


def cycle_findings(before: str, context: dict[str, str], path: str = "pkg/a.py") -> list[Finding]:
    project = {"pkg/__init__.py": "", **context, path: before}
    return [f for f in find_cycles(project) if f.path == path]


MOVE_FIXES = [
    pytest.param(
        "from __future__ import annotations\n\nfrom pkg.b import B\n\n\n"
        "def f(b: B) -> str:\n    return b.name\n",
        "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
        "if TYPE_CHECKING:\n    from pkg.b import B\n\n\ndef f(b: B) -> str:\n    return b.name\n",
        {"pkg/b.py": B_IMPORTS_A},
        id="new block and TYPE_CHECKING import",
    ),
    pytest.param(
        '"""Docs."""\n\nfrom __future__ import annotations\n\nimport os\nfrom typing import Any\n\n'
        "from pkg.b import B\n\n\ndef f(b: B, x: Any) -> str:\n    return os.sep\n",
        '"""Docs."""\n\nfrom __future__ import annotations\n\nimport os\n'
        "from typing import TYPE_CHECKING, Any\n\nif TYPE_CHECKING:\n    from pkg.b import B\n\n\n"
        "def f(b: B, x: Any) -> str:\n    return os.sep\n",
        {"pkg/b.py": B_IMPORTS_A},
        id="docstring; TYPE_CHECKING merged into from typing",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
        "from pkg.b import B\n\nif TYPE_CHECKING:\n    from pkg.a import A\n"
        "    from pkg.c import C\n\n\n"
        "def f(b: B) -> A | C:\n    return b\n",
        "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
        "if TYPE_CHECKING:\n    from pkg.a import A\n    from pkg.b import B\n"
        "    from pkg.c import C\n\n\n"
        "def f(b: B) -> A | C:\n    return b\n",
        {"pkg/b.py": B_IMPORTS_A},
        id="sorted into an existing TYPE_CHECKING block",
    ),
    pytest.param(
        "from __future__ import annotations\n\nimport typing\n\nfrom pkg.b import B\n\n"
        "if typing.TYPE_CHECKING:\n    import os\n\n\ndef f(b: B) -> os.PathLike[str]:\n"
        "    return b\n",
        "from __future__ import annotations\n\nimport typing\n\n"
        "if typing.TYPE_CHECKING:\n    import os\n\n    from pkg.b import B\n\n\n"
        "def f(b: B) -> os.PathLike[str]:\n    return b\n",
        {"pkg/b.py": B_IMPORTS_A},
        id="typing.TYPE_CHECKING block; a new section",
    ),
    pytest.param(
        "from pkg.b import B\n\n\ndef f(b: 'B') -> 'list[B]':\n    return [b]\n",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg.b import B\n\n\n"
        "def f(b: 'B') -> 'list[B]':\n    return [b]\n",
        {"pkg/b.py": B_IMPORTS_A},
        id="string annotations need no future import",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom . import b\n\n\n"
        "class A:\n    def f(self, x: b.B) -> None:\n        pass\n",
        "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
        "if TYPE_CHECKING:\n    from . import b\n\n\n"
        "class A:\n    def f(self, x: b.B) -> None:\n        pass\n",
        {"pkg/b.py": "from .a import A\n"},
        id="relative import of a sibling module",
    ),
    pytest.param(
        "from __future__ import annotations\r\n\r\nimport pkg.b\r\n\r\n\r\n"
        "class A:\r\n\tdef f(self, x: pkg.b.B) -> None:\r\n\t\tpass\r\n",
        "from __future__ import annotations\r\n\r\nfrom typing import TYPE_CHECKING\r\n\r\n"
        "if TYPE_CHECKING:\r\n\timport pkg.b\r\n\r\n\r\n"
        "class A:\r\n\tdef f(self, x: pkg.b.B) -> None:\r\n\t\tpass\r\n",
        {"pkg/b.py": "import pkg.a\n"},
        id="CRLF, tabs, dotted import",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom pkg.b import B\n# the C side\n"
        "from pkg.c import C\n\n"
        "x: B | C | None = None\n",
        "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
        "if TYPE_CHECKING:\n    from pkg.b import B\n    # the C side\n    from pkg.c import C\n\n"
        "x: B | C | None = None\n",
        {"pkg/b.py": "from pkg.c import C\n", "pkg/c.py": "from pkg.a import x\nC = 1\n"},
        id="three-module cycle, two imports, a comment moves along",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom dataclasses import dataclass\n\n"
        "from pkg.b import B\n\n\n@dataclass\nclass A:\n    b: B\n\n    @property\n"
        "    def name(self) -> B:\n        return self.b\n",
        "from __future__ import annotations\n\nfrom dataclasses import dataclass\n"
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg.b import B\n\n\n"
        "@dataclass\nclass A:\n    b: B\n\n    @property\n    def name(self) -> B:\n"
        "        return self.b\n",
        {"pkg/b.py": B_IMPORTS_A},
        id="dataclass fields and property: annotations nobody evaluates",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("before", "after", "context"), MOVE_FIXES)
def test_move_import_under_type_checking_fixes(
    tmp_path: Path, before: str, after: str, context: dict[str, str]
) -> None:
    findings = cycle_findings(before, context)
    assert findings, "the analyzer must see the cycle"
    result = run_codemod("MoveImportUnderTypeChecking", before, findings)
    assert result.text == after
    assert (result.fixed, result.unfixed) == (tuple(range(len(findings))), ())
    assert cycle_findings(after, context) == [], "the cycle is broken"
    assert unsorted(tmp_path, after) <= unsorted(tmp_path, before), "isort (I001) now fires"
    again = run_codemod("MoveImportUnderTypeChecking", after, [])
    assert (again.text, again.fixed, again.unfixed) == (after, (), ())


MOVE_NOOP = [
    pytest.param(
        "from __future__ import annotations\n\nfrom pkg.b import B\n\n\ndef f() -> B:\n"
        "    return B()\n",
        "names used at runtime: B (line 7)",
        id="a call at runtime",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom pkg.b import B, g\n\n\ndef f(b: B) -> B:\n"
        "    return g(b)\n",
        "names used at runtime: g (line 7)",
        id="one of two names used at runtime",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom pkg.b import B\n\n\nclass A(B):\n    pass\n",
        "names used at runtime: B (line 6)",
        id="a base class",
    ),
    pytest.param(
        "from pkg.b import B\n\n\ndef f(b: B) -> None:\n    pass\n",
        "no `from __future__ import annotations`",
        id="annotations evaluated at runtime",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom pydantic import BaseModel\n\n"
        "from pkg.b import B\n\n\n"
        "class A(BaseModel):\n    b: B\n",
        "read by base `BaseModel` of class `A`",
        id="pydantic model field",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom functools import singledispatch\n\n"
        "from pkg.b import B\n\n\n@singledispatch\ndef f(x: object) -> None:\n    pass\n\n\n"
        "@f.register\ndef _(x: B) -> None:\n    pass\n",
        "read by `@f.register`",
        id="singledispatch reads annotations",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom pkg.b import B\n\n__all__ = ['B']\n",
        "B (`__all__`, line 5)",
        id="re-exported in __all__",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom pkg.b import B\n",
        "not used here",
        id="unused: a re-export or a side effect",
    ),
    pytest.param(
        "from __future__ import annotations\n\ntry:\n    from pkg.b import B\nexcept ImportError:\n"
        "    B = None\n\n\ndef f(b: B) -> None:\n    pass\n",
        "no top-level import statement on line 4",
        id="inside try",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom pkg.b import *\n\n\ndef f(b: B) -> None:\n"
        "    pass\n",
        "star import",
        id="star import",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom pkg.b import B\n\nTYPE_CHECKING = False\n\n\n"
        "def f(b: B) -> None:\n    pass\n",
        "`TYPE_CHECKING` is bound here by something other",
        id="TYPE_CHECKING is a local constant",
    ),
]


@pytest.mark.parametrize(("before", "reason"), MOVE_NOOP)
def test_move_import_under_type_checking_noop(before: str, reason: str) -> None:
    findings = cycle_findings(before, {"pkg/b.py": "import pkg.a\nclass B: pass\n"})
    assert findings, "the analyzer must see the cycle"
    result = run_codemod("MoveImportUnderTypeChecking", before, findings)
    assert result.text == before
    assert result.fixed == ()
    assert len(result.unfixed) == len(findings)
    assert all(reason in why for _, why in result.unfixed), result.unfixed


# --- the catalogue's examples are true ----------------------------------------------------------


def rule_examples(rule_id: str, kind: str) -> list[Any]:
    rule = catalogue.load().rules[rule_id]
    examples = rule.examples if kind == "example" else rule.unchanged
    return [pytest.param(rule, ex, id=f"{rule_id}[{kind}{i}]") for i, ex in enumerate(examples)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rule", "example"),
    rule_examples("undefined-stdlib-name", "example")
    + rule_examples("undefined-stdlib-name", "unchanged"),
)
def test_undefined_stdlib_name_examples(tmp_path: Path, rule: Rule, example: Example) -> None:
    findings = undefined(tmp_path, example.before)
    assert findings
    assert run_codemod(rule.fix, example.before, findings).text == example.after


@pytest.mark.parametrize(
    ("rule", "example"),
    rule_examples("import-cycle", "example") + rule_examples("import-cycle", "unchanged"),
)
def test_import_cycle_examples(rule: Rule, example: Example) -> None:
    findings = cycle_findings(example.before, dict(example.context), example.path)
    assert findings
    assert run_codemod(rule.fix, example.before, findings).text == example.after
