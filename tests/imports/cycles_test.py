"""The import-cycle analyzer: module names, module-level edges, cycles and their findings."""

from __future__ import annotations

import pytest

from healers.imports.cycles import find_cycles, module_names, strongly_connected

INIT = {"pkg/__init__.py": ""}


def cycles(sources: dict[str, str]) -> list[tuple[str, int, int, str]]:
    return [(f.path, f.line, f.column, f.message) for f in find_cycles(sources)]


CYCLE_FIXES = [
    pytest.param(
        {
            **INIT,
            "pkg/a.py": "import os\nfrom pkg.b import B\n",
            "pkg/b.py": "from pkg.a import A\n",
        },
        [
            ("pkg/a.py", 2, 1, "import cycle: pkg.a -> pkg.b -> pkg.a"),
            ("pkg/b.py", 1, 1, "import cycle: pkg.b -> pkg.a -> pkg.b"),
        ],
        id="two modules",
    ),
    pytest.param(
        {
            **INIT,
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "import pkg.c\n",
            "pkg/c.py": "from pkg.a import x\n",
        },
        [
            ("pkg/a.py", 1, 1, "import cycle: pkg.a -> pkg.b -> pkg.c -> pkg.a"),
            ("pkg/b.py", 1, 1, "import cycle: pkg.b -> pkg.c -> pkg.a -> pkg.b"),
            ("pkg/c.py", 1, 1, "import cycle: pkg.c -> pkg.a -> pkg.b -> pkg.c"),
        ],
        id="three modules; `from pkg import b` is the submodule",
    ),
    pytest.param(
        {
            **INIT,
            "pkg/sub/__init__.py": "from . import m\n",
            "pkg/sub/m.py": "from .. import a\n",
            "pkg/a.py": "from .sub.m import f\n",
        },
        [
            ("pkg/a.py", 1, 1, "import cycle: pkg.a -> pkg.sub.m -> pkg.a"),
            ("pkg/sub/m.py", 1, 1, "import cycle: pkg.sub.m -> pkg.a -> pkg.sub.m"),
        ],
        id="relative imports, from a package and a module",
    ),
    pytest.param(
        {
            "src/lib/__init__.py": "from lib.core import run\n",
            "src/lib/core.py": "from lib import helper\n",
        },
        [
            ("src/lib/__init__.py", 1, 1, "import cycle: lib -> lib.core -> lib"),
            ("src/lib/core.py", 1, 1, "import cycle: lib.core -> lib -> lib.core"),
        ],
        id="src layout; a name from the package means its __init__",
    ),
    pytest.param(
        {
            **INIT,
            "pkg/a.py": "try:\n    from pkg.b import B\nexcept ImportError:\n    B = None\n",
            "pkg/b.py": "import sys\nif sys.version_info > (3,):\n    import pkg.a\n",
        },
        [
            ("pkg/a.py", 2, 5, "import cycle: pkg.a -> pkg.b -> pkg.a"),
            ("pkg/b.py", 3, 5, "import cycle: pkg.b -> pkg.a -> pkg.b"),
        ],
        id="inside top-level try and if",
    ),
    pytest.param(
        {
            **INIT,
            "pkg/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    pass\n"
            "else:\n    from pkg.b import B\n",
            "pkg/b.py": "from pkg.a import A\n",
        },
        [
            ("pkg/a.py", 5, 5, "import cycle: pkg.a -> pkg.b -> pkg.a"),
            ("pkg/b.py", 1, 1, "import cycle: pkg.b -> pkg.a -> pkg.b"),
        ],
        id="the else of TYPE_CHECKING runs",
    ),
    pytest.param(
        {
            **INIT,
            "pkg/a.py": "from pkg.b import x\nfrom pkg.c import y\n",
            "pkg/b.py": "from pkg.c import z\n",
            "pkg/c.py": "from pkg.a import w\n",
        },
        [
            ("pkg/a.py", 1, 1, "import cycle: pkg.a -> pkg.b -> pkg.c -> pkg.a"),
            ("pkg/a.py", 2, 1, "import cycle: pkg.a -> pkg.c -> pkg.a"),
            ("pkg/b.py", 1, 1, "import cycle: pkg.b -> pkg.c -> pkg.a -> pkg.b"),
            ("pkg/c.py", 1, 1, "import cycle: pkg.c -> pkg.a -> pkg.c"),
        ],
        id="each edge shows its own shortest cycle",
    ),
    pytest.param(
        {
            "a.py": "import b\n",
            "b.py": "import a\n",
            "broken.py": "def (:\n",
            "c.pyi": "import a\n",
        },
        [("a.py", 1, 1, "import cycle: a -> b -> a"), ("b.py", 1, 1, "import cycle: b -> a -> b")],
        id="top-level modules; unparsable files and stubs skipped",
    ),
]


@pytest.mark.parametrize(("sources", "expected"), CYCLE_FIXES)
def test_find_cycles(sources: dict[str, str], expected: list[tuple[str, int, int, str]]) -> None:
    assert cycles(sources) == expected


CYCLE_NOOP = [
    pytest.param(
        {
            **INIT,
            "pkg/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from pkg.b import B\n",
            "pkg/b.py": "from pkg.a import A\n",
        },
        id="broken by an existing TYPE_CHECKING block",
    ),
    pytest.param(
        {
            **INIT,
            "pkg/a.py": "import typing\nif typing.TYPE_CHECKING:\n    import pkg.b\n",
            "pkg/b.py": "import pkg.a\n",
        },
        id="typing.TYPE_CHECKING",
    ),
    pytest.param(
        {
            **INIT,
            "pkg/a.py": "def f():\n    from pkg.b import B\n\nclass C:\n    import pkg.b\n",
            "pkg/b.py": "from pkg.a import f\n",
        },
        id="imports inside functions and classes",
    ),
    pytest.param(
        {**INIT, "pkg/a.py": "import os\nimport pkg.b\n", "pkg/b.py": "import json\n"},
        id="no cycle; third-party and stdlib ignored",
    ),
    pytest.param(
        {
            "pkg/__init__.py": "from . import a\n",
            "pkg/a.py": "from pkg.b import B\n",
            "pkg/b.py": "",
        },
        id="a package importing its submodules is no cycle",
    ),
    pytest.param(
        {**INIT, "pkg/a.py": "from pkg import a\nfrom . import a as again\n"},
        id="a module importing itself",
    ),
    pytest.param(
        {**INIT, "pkg/a.py": "from .... import b\n", "b.py": "import pkg.a\n"},
        id="relative import beyond the top package",
    ),
    pytest.param(
        {"my-scripts/a.py": "import b\n", "b.py": "import a\n"},
        id="a folder that is not a package name",
    ),
]


@pytest.mark.parametrize("sources", CYCLE_NOOP)
def test_find_cycles_noop(sources: dict[str, str]) -> None:
    assert cycles(sources) == []


def test_finding_fields() -> None:
    [finding, _] = find_cycles(
        {"a.py": "x = 1\nfrom b import (\n    y,\n)\n", "b.py": "import a\n"}
    )
    assert finding.code == "heal:import-cycle"
    assert finding.name == "import-cycle"
    assert finding.severity == "warning"
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (2, 1, 4, 2)


@pytest.mark.slow
def test_long_cycle_does_not_recurse() -> None:
    n = 3000
    sources = {f"m{i}.py": f"import m{(i + 1) % n}\n" for i in range(n)}
    found = find_cycles(sources)
    assert len(found) == n
    assert found[0].message.count("->") == n


def test_order_is_deterministic() -> None:
    sources = {"b.py": "import a\n", "a.py": "import c\nimport b\n", "c.py": "import a\n"}
    reordered = dict(reversed(list(sources.items())))
    assert find_cycles(sources) == find_cycles(reordered)
    assert [(f.path, f.line) for f in find_cycles(sources)] == [
        ("a.py", 1),
        ("a.py", 2),
        ("b.py", 1),
        ("c.py", 1),
    ]


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("src/pkg/a.py", ["pkg.a", "src.pkg.a"]),
        ("pkg/__init__.py", ["pkg"]),
        ("src/__init__.py", ["src"]),
        ("pkg/a.pyi", []),
        ("pkg/my-mod.py", []),
        ("setup.py", ["setup"]),
    ],
)
def test_module_names(path: str, names: list[str]) -> None:
    assert module_names(path, ("", "src")) == names


def test_strongly_connected() -> None:
    graph = {"a": ["b"], "b": ["a", "c"], "c": ["d"], "d": ["c"], "e": ["e"]}
    components = sorted(sorted(c) for c in strongly_connected(graph))
    assert components == [["a", "b"], ["c", "d"], ["e"]]
