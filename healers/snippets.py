"""Snippets for the pattern store: the lines a fix changed, before and after, with the project's
own names abstracted (v1, v2, ...) and string contents and comments left out, so that a pattern
says how a rule was healed without carrying the project's code, names or secrets."""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import textwrap
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from healers import edits
from healers.finding import Span
from healers.report.diff import lines as git_lines

NEAR = 3  # lines around a finding whose edits belong to its pattern
CONTEXT = 1  # unchanged lines kept on each side of the change
MAX_LINES = 40  # a longer snippet is cut: a pattern is an example, not a copy of the file
_TOKEN = re.compile(
    r"""(?P<string>[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))"""
    r"|(?P<comment>\#[^\n]*)|(?P<name>[A-Za-z_]\w*)|(?P<other>\s+|.)"
)
_KEEP = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
_KEEP |= {"self", "cls"}
_WORD = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Pair:
    """One fix as the pattern store keeps it."""

    before: str
    after: str


def imported(text: str) -> frozenset[str]:
    """Names a module imports at its top level (modules and the names taken from them): kept
    as they are in a pattern, since `yaml.load` means nothing as `v1.load`."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names |= {alias.asname or alias.name.partition(".")[0], *alias.name.split(".")}
        elif isinstance(node, ast.ImportFrom):
            names |= set((node.module or "").split(".")) - {""}
            names |= {alias.asname or alias.name for alias in node.names}
    return frozenset(names)


def _abstract(code: str, keep: Collection[str], table: dict[str, str]) -> str:
    out: list[str] = []
    previous = ""
    for m in _TOKEN.finditer(code):
        kind, value = m.lastgroup, m.group()
        if kind == "string":
            quote = '"""' if value.lstrip("rRbBuUfF").startswith(('"""', "'''")) else '"'
            value = f"{quote}s{quote}"
        elif kind == "comment":
            value = ""
        elif kind == "name" and not (
            value in _KEEP or value in keep or previous == "." or value.startswith("__")
        ):
            value = table.setdefault(value, f"v{len(table) + 1}")
        if kind != "other" or not value.isspace():
            previous = value
        out.append(value)
    lines = "".join(out).splitlines()[:MAX_LINES]
    return textwrap.dedent("\n".join(line.rstrip() for line in lines)).strip("\n")


def normalize(before: str, after: str, keep: Collection[str] = ()) -> Pair:
    """Both sides abstracted with one table: a name is the same v-number before and after."""
    table: dict[str, str] = {}
    return Pair(_abstract(before, keep, table), _abstract(after, keep, table))


def words(normalized: str) -> list[str]:
    """The distinct words of a normalized snippet, for a full-text query (first seen first)."""
    return list(dict.fromkeys(_WORD.findall(normalized)))


def _line_range(starts: Sequence[int], spans: Sequence[Span]) -> tuple[int, int]:
    first = min(edits.line_of(starts, s.start) for s in spans)
    last = max(edits.line_of(starts, max(s.start, s.end - 1)) for s in spans)
    return first, last


def around(text: str, spans: Sequence[Span], line: int) -> tuple[str, str]:
    """The lines of `text` that the spans near `line` change (and CONTEXT lines around them),
    before and after those spans alone; the nearest span when none is near (an import a codemod
    added at the top)."""
    if not spans:
        return "", ""
    starts = edits.line_starts(text)
    near = [s for s in spans if abs(_line_range(starts, [s])[0] - line) <= NEAR]
    if not near:
        near = [min(spans, key=lambda s: abs(_line_range(starts, [s])[0] - line))]
    first, last = _line_range(starts, near)
    first, last = max(1, first - CONTEXT), min(len(starts), last + CONTEXT)
    start = starts[first - 1]
    end = starts[last] if last < len(starts) else len(text)
    moved = [Span(s.start - start, s.end - start, s.content) for s in sorted(near, key=_start)]
    return text[start:end], edits.apply(text[start:end], moved)


def _start(span: Span) -> int:
    return span.start


def from_diff(diff: str) -> tuple[str, str]:
    """Before and after of a unified diff's hunks (context lines on both sides)."""
    before: list[str] = []
    after: list[str] = []
    for line in git_lines(diff):
        if line.startswith(("---", "+++", "@@", "\\")):
            continue
        mark, body = line[:1], line[1:]
        if mark in (" ", "-"):
            before.append(body)
        if mark in (" ", "+"):
            after.append(body)
    return "".join(before), "".join(after)
