"""Import healer: cycles among the project's own modules (ast, module-level imports) -> findings."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from healers.finding import Finding
from healers.imports import statements
from healers.imports.statements import Statement

ROOTS = ("", "src")  # where a project's top-level modules live


@dataclass(frozen=True)
class Edge:
    """One import statement of `source` that makes it import the project module `target`."""

    source: str
    target: str
    path: str
    node: Statement


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


def _targets(node: Statement, module: str, is_package: bool, known: Mapping[str, str]) -> list[str]:
    """The project modules an import statement of `module` makes Python import."""
    if not node.relative_or_from:
        candidates = list(node.names)
    else:
        base = node.module
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            if node.level > len(package):
                return []  # beyond the top-level package: Python refuses it too
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([base] if base else [])])
        submodules = [f"{base}.{name}" if base else name for name in node.names]
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


def import_edges(sources: Mapping[str, str], roots: Sequence[str]) -> list[Edge]:
    """Every (importer, imported) pair between project modules, one per import statement."""
    return edges_of({path: statements.of_text(path, text) for path, text in sources.items()}, roots)


def edges_of(imports: Mapping[str, Sequence[Statement]], roots: Sequence[str]) -> list[Edge]:
    """import_edges from each file's module-level import statements (a shard report's)."""
    known: dict[str, str] = {}  # module name -> path
    canonical: dict[str, str] = {}  # path -> its most specific module name
    for path in sorted(imports):
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
            for node in imports[path]
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


def find_cycles(sources: Mapping[str, str], *, roots: Sequence[str] = ROOTS) -> list[Finding]:
    """One `heal:import-cycle` finding per import statement that is an edge of an import cycle."""
    return cycles_of(
        {path: statements.of_text(path, text) for path, text in sources.items()}, roots
    )


def cycles_of(
    imports: Mapping[str, Sequence[Statement]], roots: Sequence[str] = ROOTS
) -> list[Finding]:
    """find_cycles from each file's module-level import statements (what shards ship)."""
    edges = edges_of(imports, roots)
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
        key = (edge.path, edge.node.line, edge.node.column)
        if key not in best or (len(cycle), cycle) < (len(best[key][0]), best[key][0]):
            best[key] = (cycle, edge)
    return [
        Finding(
            code="heal:import-cycle",
            name="import-cycle",
            path=edge.path,
            line=edge.node.line,
            column=edge.node.column + 1,
            end_line=edge.node.end_line,
            end_column=edge.node.end_column + 1,
            message="import cycle: " + " -> ".join(cycle),
            severity="warning",
        )
        for cycle, edge in (best[key] for key in sorted(best))
    ]
