"""`if TYPE_CHECKING:` guards a fix empties (ruff's F401 writes `pass` when it removes a
guard's last import): found, and removed with their import of TYPE_CHECKING."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from healers.finding import Span


def empty(tree: ast.Module) -> list[ast.If]:
    """`if TYPE_CHECKING:` blocks (any depth of the module) whose body is only `pass`."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and is_type_checking(node.test)
        and all(isinstance(s, ast.Pass) for s in node.body)
        and not node.orelse
    ]


def is_type_checking(test: ast.expr) -> bool:
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING` (any module's) as an `if` test."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def without_empty(before: str, after: str, spans: Sequence[Span]) -> str:
    """`after` without the `if TYPE_CHECKING: pass` the fix left (ruff's F401 fix writes `pass`
    when it removes a guard's last import), and without the import of TYPE_CHECKING when nothing
    else uses it."""
    if "TYPE_CHECKING" not in after or not any("pass" in s.content for s in spans):
        return after
    try:
        old, new = ast.parse(before), ast.parse(after)
    except (SyntaxError, ValueError, RecursionError):
        return after
    emptied = empty(new)
    if len(emptied) <= len(empty(old)):
        return after
    lines = after.splitlines(keepends=True)
    drop: set[int] = set()
    for guard in emptied:
        first = guard.lineno
        while first > 1 and not lines[first - 2].strip():  # its blank lines go with it
            first -= 1
        drop.update(range(first, (guard.end_lineno or guard.lineno) + 1))
    kept = [line for row, line in enumerate(lines, start=1) if row not in drop]
    text = "".join(kept)
    return _without_unused_import(text)


def _without_unused_import(text: str) -> str:
    """Drop `from typing import TYPE_CHECKING` (alone on its line) when nothing uses it now."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return text
    used = any(isinstance(n, ast.Name) and n.id == "TYPE_CHECKING" for n in ast.walk(tree))
    if used:
        return text
    lines = text.splitlines(keepends=True)
    for node in tree.body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.module in ("typing", "typing_extensions")
            and [a.name for a in node.names] == ["TYPE_CHECKING"]
            and not node.names[0].asname
            and node.lineno == node.end_lineno
        ):
            del lines[node.lineno - 1]
            return "".join(lines)
    return text
