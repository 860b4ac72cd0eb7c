"""ruff's sorts of `__slots__` and `__all__` (RUF023, RUF022), which ruff calls safe, change what
a module does when it reads that sequence in order: dateutil's `_TZifHeader.__init__` zips
`self.__slots__` with the values of a binary header, and the sorted slots took the wrong ones."""

from __future__ import annotations

import ast

SORTED = {"ruff:RUF023": "__slots__", "ruff:RUF022": "__all__"}


def reads_order(code: str, text: str) -> str:
    """Why the sort a finding of `code` offers must not be applied to `text`; "" when it may:
    the module reads the sequence (not only assigns it), so its order may be what it relies on."""
    name = SORTED.get(code)
    if name is None or name not in text:
        return ""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)) or (
            isinstance(node, ast.Attribute) and node.attr == name
        ):
            return (
                f"the module reads {name} (line {node.lineno}): sorting it may change what "
                "that code does; sort it by hand if its order is free"
            )
    return ""
