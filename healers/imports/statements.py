"""A file's module-level import statements as plain records: what the import-cycle finder needs
of a file, parsed once per text, and the rows a shard report ships so that `heal merge` finds the
whole project's cycles without reading its files."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from healers import prescreen
from healers.typing_guards import is_type_checking

Import = ast.Import | ast.ImportFrom


@dataclass(frozen=True)
class Statement:
    """`import a.b, c` (names "a.b", "c") or `from ..m import x` (module "m", level 2, names "x");
    positions as ast gives them (columns 0-based)."""

    relative_or_from: bool  # a `from` import: `module` and `level` apply
    module: str
    level: int
    names: tuple[str, ...]
    line: int
    column: int
    end_line: int
    end_column: int


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


def _record(node: Import) -> Statement:
    is_from = isinstance(node, ast.ImportFrom)
    return Statement(
        relative_or_from=is_from,
        module=(node.module or "") if isinstance(node, ast.ImportFrom) else "",
        level=node.level if isinstance(node, ast.ImportFrom) else 0,
        names=tuple(alias.name for alias in node.names),
        line=node.lineno,
        column=node.col_offset,
        end_line=node.end_lineno or node.lineno,
        end_column=node.end_col_offset or 0,
    )


@lru_cache(maxsize=8192)
def of_text(path: str, text: str) -> tuple[Statement, ...]:
    """A file's module-level imports, parsed once per text in a run: the fix loop recomputes
    the cycles after every pass, and most files did not change."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError):
        return ()  # the syntax-error stage reports it
    return tuple(_record(node) for node in module_level_imports(tree.body))


def to_rows(found: Sequence[Statement]) -> list[list[Any]]:
    """The statements as JSON rows: [from?, module, level, names, line, column, end_line,
    end_column]."""
    return [
        [
            s.relative_or_from,
            s.module,
            s.level,
            list(s.names),
            s.line,
            s.column,
            s.end_line,
            s.end_column,
        ]
        for s in found
    ]


def from_rows(rows: Any) -> tuple[Statement, ...]:
    """to_rows read back; ValueError for anything else (a report not written by heal)."""
    try:
        return tuple(
            Statement(
                bool(f), str(m), int(lv), tuple(str(n) for n in ns), int(a), int(b), int(c), int(d)
            )
            for f, m, lv, ns, a, b, c, d in rows
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"imports: not rows of import statements ({exc})") from exc


def of_project(root: Path, paths: Sequence[str]) -> dict[str, tuple[Statement, ...]]:
    """The module-level imports of each file that parses, by the pre-screen's verdict, as a
    run's whole-project analysis takes them (what a shard ships for `heal merge`)."""
    states, _ = prescreen.read(root, paths, scopes_of=False)
    return {p: of_text(p, s.source.text) for p, s in states.items() if s.parses}
