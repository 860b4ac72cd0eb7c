"""The house the redesign built, held by tests: no import circle, small modules and functions,
one door to subprocesses, one place that writes a status."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import REPO

PACKAGE = REPO / "healers"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the nodes under `if TYPE_CHECKING:` (never imported at run time)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skipped


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The heal modules `name` imports when it is imported (module level, or in functions: an
    import inside a function still closes a circle when it runs)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped = _type_checking_only(tree)
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in known else base)
    return {m for m in out if m in known and m != name}


def circle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle (a -> b -> a), or [] when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_circle_finder_finds_a_circle() -> None:
    assert circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert circle({"a": {"b"}, "b": set()}) == []


def test_no_import_circle() -> None:
    known = modules()
    graph = {name: imports_of(name, path, set(known)) for name, path in known.items()}
    assert circle(graph) == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_is_small(name: str) -> None:
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines: split it by noun"


def test_functions_are_short() -> None:
    long = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name} ({length} lines)")
    assert long == []


def test_only_healers_tools_starts_processes() -> None:
    starting = [
        name
        for name, path in modules().items()
        if not name.startswith("healers.tools")
        and any(
            isinstance(n, (ast.Import, ast.ImportFrom))
            and "subprocess" in {getattr(n, "module", None), *(a.name for a in n.names)}
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert starting == []


def _writes_status(node: ast.AST) -> bool:
    if isinstance(node, ast.keyword):
        return node.arg == "status"
    return isinstance(node, ast.Call) and ast.unparse(node.func) == "Outcome"


def test_only_the_policy_writes_a_status() -> None:
    writers = {
        name
        for name, path in modules().items()
        if any(_writes_status(n) for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert writers == {"healers.policy"}


def test_every_package_of_healers_ships_in_the_wheel() -> None:
    """pyproject lists its packages by hand; one left out imports in the checkout and fails in
    an installed heal (healers.repair did, caught only by the slow init tests)."""
    from healers import toml

    listed = set(
        toml.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"]
    )
    folders = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in PACKAGE.rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert folders - listed == set()
