"""Where an import a fix adds belongs: ruff's edits (SIM105's `import contextlib`) append it
after the file's last import, which only its I001 would put in order. Where heal leaves I001
to the project's own sorter, a standard-library import the fix adds goes into the file's first
block of standard-library imports, at its sorted place (plain imports before `from` imports)."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

from healers import edits
from healers.finding import Span

_IMPORT = re.compile(r"(?:import ([\w.]+)(?: as \w+)?|from ([\w.]+) import [\w, ]+)\s*")
_ADDS_IMPORT = re.compile(r"^(import|from) ", re.M)
_STDLIB = frozenset(sys.stdlib_module_names) - {"__future__"}


def _key(line: str) -> tuple[int, str] | None:
    """(0 for `import`, 1 for `from`; the module) of a one-line standard-library import."""
    found = _IMPORT.fullmatch(line)
    if found is None:
        return None
    module = found.group(1) or found.group(2)
    if module.split(".")[0] not in _STDLIB:
        return None
    return (0 if found.group(1) else 1, module.lower())


def in_order(before: str, after: str, spans: Sequence[Span]) -> str:
    """`after` with each standard-library import line the fix added moved to its place in the
    first standard-library block; as it is when there is no such block or it is there already."""
    if not any(_ADDS_IMPORT.search(s.content) for s in spans):
        return after
    lines = after.splitlines(keepends=True)
    existing = set(before.splitlines())
    for row in edits.added_rows(after, spans):
        line = lines[row - 1] if row <= len(lines) else ""
        key = _key(line.rstrip("\r\n"))
        if key is None or line.rstrip("\r\n") in existing:
            continue
        rest = lines[: row - 1] + lines[row:]
        block = _first_block(rest)
        if not block:
            continue
        at = next((r for r in block if (_key(rest[r].rstrip("\r\n")) or key) > key), block[-1] + 1)
        if at != row - 1:
            return "".join([*rest[:at], line, *rest[at:]])
    return after


def _first_block(lines: Sequence[str]) -> list[int]:
    """The 0-based rows of the first run of top-level standard-library import lines."""
    block: list[int] = []
    for index, line in enumerate(lines):
        if _key(line.rstrip("\r\n")) is not None:
            block.append(index)
        elif block:
            break
    return block
