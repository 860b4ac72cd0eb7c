"""A cheap first look for the import-cycle codemod: with the stdlib `ast`, the imports whose names
the file certainly uses at runtime, refused with the words libcst's scope analysis would give,
before any libcst metadata is resolved (that resolution was the largest cost of planning a fix).
Where the file holds anything this look does not model, it says nothing and libcst decides."""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cached_property

# what this look does not model: libcst decides (pattern names, type aliases and parameters)
OPAQUE = tuple(getattr(ast, name) for name in ("Match", "TypeAlias") if hasattr(ast, name))
SCOPED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class Uses:
    """One file's top-level imports and the runtime loads of the names they bind."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _tree(self) -> ast.Module | None:
        try:
            tree = ast.parse(self.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        if any(isinstance(n, OPAQUE) or getattr(n, "type_params", None) for n in ast.walk(tree)):
            return None
        return tree

    @cached_property
    def _bindings(self) -> dict[str, int]:
        """How often each name is bound anywhere in the file (imports, stores, `del`, defs,
        arguments, global and nonlocal)."""
        count: dict[str, int] = defaultdict(int)
        for node in ast.walk(self._tree or ast.Module(body=[], type_ignores=[])):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                count[node.id] += 1
            elif isinstance(node, (*SCOPED, ast.ExceptHandler)) and node.name:
                count[node.name] += 1
            elif isinstance(node, ast.arg):
                count[node.arg] += 1
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                for name in node.names:
                    count[name] += 1  # another scope's binding: libcst decides
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    count[alias.asname or alias.name.partition(".")[0]] += 1
        return count

    @cached_property
    def _loads(self) -> tuple[dict[str, list[tuple[int, int]]], set[str]]:
        """Where each name is read at runtime, and the names read in annotations (both outside
        TYPE_CHECKING blocks)."""
        loads: dict[str, list[tuple[int, int]]] = defaultdict(list)
        hinted: set[str] = set()
        body = self._tree.body if self._tree else []
        todo: list[tuple[ast.AST, bool]] = [(s, False) for s in body]
        while todo:
            node, hint = todo.pop()
            if isinstance(node, ast.If) and _type_checking(node.test):
                continue  # libcst skips the whole block, its else too
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if hint:
                    hinted.add(node.id)
                else:
                    loads[node.id].append((node.lineno, node.col_offset))
            annotations = _annotations(node)
            todo += [(c, hint or id(c) in annotations) for c in ast.iter_child_nodes(node)]
        return loads, hinted

    @cached_property
    def _starts(self) -> set[int]:
        """The lines a top-level statement starts on (a decorated one: each decorator's too)."""
        body = self._tree.body if self._tree else []
        return {s.lineno for s in body} | {
            d.lineno for s in body if isinstance(s, SCOPED) for d in s.decorator_list
        }

    @cached_property
    def _lazy(self) -> bool:
        return any(
            isinstance(s, ast.ImportFrom) and s.module == "__future__"
            for s in (self._tree.body if self._tree else [])
        )

    def refusal(self, line: int) -> str | None:
        """Why the import-cycle codemod leaves the import on `line` where it is, in libcst's
        words, when that is certain; None when libcst must look."""
        if self._tree is None or self._unclear:
            return None
        if line not in self._starts:
            return f"no top-level import statement on line {line}"
        names = self._names(line)
        if names is None:
            return None
        runtime, hinted = self._loads
        uses = sorted((where, n) for n in set(names) for where in runtime.get(n, ()))
        if uses:
            return "names used at runtime: " + ", ".join(f"{n} (line {ln})" for (ln, _), n in uses)
        if not self._lazy and any(n in hinted for n in names):
            return "annotations are evaluated at runtime (no `from __future__ import annotations`)"
        return None

    def _names(self, line: int) -> list[str] | None:
        """The names the lone import on `line` binds, each bound nowhere else and not in
        `__all__`; None for any other shape."""
        body = self._tree.body if self._tree is not None else []
        on_line = [s for s in body if s.lineno <= line <= (s.end_lineno or s.lineno)]
        if len(on_line) != 1 or on_line[0].lineno != line:
            return None
        stmt = on_line[0]
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            return None
        names = []
        for alias in stmt.names:
            if alias.name == "*" or (alias.asname is None and "." in alias.name):
                return None
            names.append(alias.asname or alias.name)
        if any(self._bindings[n] != 1 or n in self._exports for n in names):
            return None
        return names

    @cached_property
    def _exports(self) -> str:
        """The source of every assignment to `__all__` (libcst names exports first: a name
        written there is left to libcst)."""
        shapes = (ast.Assign, ast.AugAssign, ast.AnnAssign)
        return "\n".join(
            ast.get_source_segment(self.text, node) or "__all__"
            for node in ast.walk(self._tree or ast.Module(body=[], type_ignores=[]))
            if isinstance(node, shapes)
            and any(isinstance(n, ast.Name) and n.id == "__all__" for n in ast.walk(node))
        )

    @cached_property
    def _unclear(self) -> bool:
        """A guard's body shares its line, or statements share a line."""
        for node in ast.walk(self._tree or ast.Module(body=[], type_ignores=[])):
            if (
                isinstance(node, ast.If)
                and _type_checking(node.test)
                and node.body[0].lineno == node.lineno
            ):
                return True
        # statements sharing a line: libcst's line of a statement decides
        return any(";" in line for line in self.text.splitlines() if "import" in line)


def _type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return (
        isinstance(test, ast.Attribute)
        and test.attr == "TYPE_CHECKING"
        and isinstance(test.value, ast.Name)
        and test.value.id == "typing"
    )


def _annotations(node: ast.AST) -> set[int]:
    """The ids of `node`'s children that are annotations (not evaluated where the future import
    is, evaluated otherwise)."""
    if isinstance(node, ast.arg) and node.annotation is not None:
        return {id(node.annotation)}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
        return {id(node.returns)}
    if isinstance(node, ast.AnnAssign):
        return {id(node.annotation)}
    return set()
