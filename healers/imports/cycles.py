"""Import healer: cycles among the project's own modules (ast, module-level imports) -> findings."""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from healers.finding import Finding
from healers.typing_guards import is_type_checking

Import = ast.Import | ast.ImportFrom


@dataclass(frozen=True)
class Edge:
    """One import statement of `source` that makes it import the project module `target`."""

    source: str
    target: str
    path: str
    node: Import


def module_names(path: str, roots: Sequence[str]) -> list[str]:
    """The dotted names a file can be imported as, most specific root first: for `src/pkg/a.py`
    with roots ("", "src"): ["pkg.a", "src.pkg.a"]. Stubs and non-identifier paths have none."""
    if not path.endswith(".py"):
        return []
    names = []
    for root in sorted(roots, key=len, reverse=True):
        prefix = root.strip("/") + "/" if root.strip("/") else ""
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix) : -len(".py")].split("/")
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            names.append(".".join(parts))
    return names


def module_level_imports(body: list[ast.stmt]) -> Iterator[Import]:
    """Imports that run when the module is imported: not in functions, classes or under
    `if TYPE_CHECKING:` (its `else:` does run), but inside top-level `if`, `try` and `with`."""
    for stmt in body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            yield stmt
        elif isinstance(stmt, ast.If):
            negated = isinstance(stmt.test, ast.UnaryOp) and isinstance(stmt.test.op, ast.Not)
            test = (
                stmt.test.operand if isinstance(stmt.test, ast.UnaryOp) and negated else stmt.test
            )
            if not is_type_checking(test):
                yield from module_level_imports(stmt.body)
                yield from module_level_imports(stmt.orelse)
            else:
                yield from module_level_imports(stmt.body if negated else stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                yield from module_level_imports(block)
        elif isinstance(stmt, ast.With):
            yield from module_level_imports(stmt.body)


def _targets(node: Import, module: str, is_package: bool, known: Mapping[str, str]) -> list[str]:
    """The project modules an import statement of `module` makes Python import."""
    if isinstance(node, ast.Import):
        candidates = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            if node.level > len(package):
                return []  # beyond the top-level package: Python refuses it too
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([base] if base else [])])
        submodules = [f"{base}.{a.name}" if base else a.name for a in node.names]
        candidates = [name for name in submodules if name in known] or [base]
        if any(name not in known for name in submodules) and base not in candidates:
            candidates.append(base)  # `from pkg import mod, helper`: helper lives in pkg
    targets = []
    for name in candidates:
        # `import pkg.sub.mod` runs pkg.sub.mod: the deepest project module on the path counts
        parts = name.split(".")
        found = next(
            (".".join(parts[:i]) for i in range(len(parts), 0, -1) if ".".join(parts[:i]) in known),
            None,
        )
        if found is not None and known[found] != known[module] and found not in targets:
            targets.append(found)
    return targets


@lru_cache(maxsize=8192)
def _imports(path: str, text: str) -> tuple[Import, ...]:
    """A file's module-level imports, parsed once per text in a run: the fix loop recomputes
    the cycles after every pass, and most files did not change (the nodes hold no parent)."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError):
        return ()  # the syntax-error stage reports it
    return tuple(module_level_imports(tree.body))


def import_edges(sources: Mapping[str, str], roots: Sequence[str]) -> list[Edge]:
    """Every (importer, imported) pair between project modules, one per import statement."""
    known: dict[str, str] = {}  # module name -> path
    canonical: dict[str, str] = {}  # path -> its most specific module name
    for path in sorted(sources):
        names = module_names(path, roots)
        for name in names:
            known.setdefault(name, path)
        if names:
            canonical[path] = names[0]
    edges = []
    for path, module in sorted(canonical.items()):
        is_package = path.endswith("__init__.py")
        edges += [
            Edge(module, canonical[known[target]], path, node)
            for node in _imports(path, sources[path])
            for target in _targets(node, module, is_package, known)
        ]
    return edges


def strongly_connected(graph: Mapping[str, Sequence[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (no recursion limit on deep import chains)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = graph.get(node, ())
            if child < len(successors):
                work.append((node, child + 1))
                nxt = successors[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _shortest_path(
    graph: Mapping[str, Sequence[str]], start: str, goal: str, inside: set[str]
) -> list[str]:
    """Breadth-first, successors in sorted order, so the cycle shown is the same on every run."""
    previous: dict[str, str] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for nxt in graph.get(node, ()):
            if nxt in inside and nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    path = [goal]
    while path[-1] != start:
        path.append(previous[path[-1]])
    return path[::-1]


def find_cycles(sources: Mapping[str, str], *, roots: Sequence[str] = ("", "src")) -> list[Finding]:
    """One `heal:import-cycle` finding per import statement that is an edge of an import cycle."""
    edges = import_edges(sources, roots)
    graph: dict[str, list[str]] = {}
    for edge in edges:
        graph.setdefault(edge.target, [])
        if edge.target not in graph.setdefault(edge.source, []):
            graph[edge.source].append(edge.target)
    for successors in graph.values():
        successors.sort()
    component_of = {name: c for c in strongly_connected(graph) if len(c) > 1 for name in c}
    best: dict[tuple[str, int, int], tuple[list[str], Edge]] = {}
    for edge in edges:
        component = component_of.get(edge.source)
        if component is None or edge.target not in component:
            continue
        cycle = [edge.source, *_shortest_path(graph, edge.target, edge.source, component)]
        key = (edge.path, edge.node.lineno, edge.node.col_offset)
        if key not in best or (len(cycle), cycle) < (len(best[key][0]), best[key][0]):
            best[key] = (cycle, edge)
    return [
        Finding(
            code="heal:import-cycle",
            name="import-cycle",
            path=edge.path,
            line=edge.node.lineno,
            column=edge.node.col_offset + 1,
            end_line=edge.node.end_lineno or edge.node.lineno,
            end_column=(edge.node.end_col_offset or 0) + 1,
            message="import cycle: " + " -> ".join(cycle),
            severity="warning",
        )
        for cycle, edge in (best[key] for key in sorted(best))
    ]
