"""The control-flow half of candidates.py: the logic rules' cheap tests on `ast` nodes (each
looser than its rule), and the file's lines as ast counts their columns."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from healers.rule_words import BROAD, EXITS

LOOPS = (ast.For, ast.AsyncFor, ast.While)
BOUNDARIES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
NOTHING = (str, bytes, type(...))
TRY_STAR: type[ast.AST] = getattr(ast, "TryStar", ast.Try)  # Python 3.11
_SPACE = re.compile(rb"[\s()]+")


class Lines:
    """A file's text, for the tests that look at the source of a node."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[bytes] | None = None

    def line(self, number: int) -> bytes:
        """Line `number` (1-based) as UTF-8: ast's columns count bytes."""
        if self._lines is None:
            self._lines = [x.encode("utf-8") for x in self.text.splitlines(keepends=True)]
        return self._lines[number - 1] if 0 < number <= len(self._lines) else b""

    def segment(self, node: ast.expr) -> bytes:
        """The node's source, its whitespace and parentheses taken out."""
        end = node.end_lineno or node.lineno
        lines = [self.line(n) for n in range(node.lineno, end + 1)]
        if len(lines) == 1:
            lines[0] = lines[0][node.col_offset : node.end_col_offset]
        else:
            lines[0], lines[-1] = lines[0][node.col_offset :], lines[-1][: node.end_col_offset]
        return _SPACE.sub(b"", b"".join(lines))


def constant(test: ast.expr) -> bool:
    """constant-condition's tests: a literal, an f-string, a display."""
    return isinstance(test, (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set))


def if_(walk: Lines, node: ast.If, depth: int) -> bool:
    if constant(node.test):
        return True
    if not (len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If)):
        return False
    seen: set[bytes] = set()
    branch: ast.stmt = node
    while isinstance(branch, ast.If):  # duplicate-if-condition: the same text twice in a chain
        key = walk.segment(branch.test)
        if key in seen:
            return True
        seen.add(key)
        if len(branch.orelse) != 1:
            break
        branch = branch.orelse[0]
    return False


def ifexp(walk: Lines, node: ast.IfExp, depth: int) -> bool:
    return constant(node.test)


def while_(walk: Lines, node: ast.While, depth: int) -> bool:
    if not isinstance(node.test, ast.Constant):
        return constant(node.test)
    value = node.test.value
    if value is True or (type(value) is int and value != 0):
        return not _exits(node)  # while-true-without-exit
    return True  # constant-condition (`while 1:` and `while True:` are the rule above's)


def _exits(loop: ast.While) -> bool:
    """Looser than the rule's: any break of this loop, return, raise, yield, await or exit call
    outside nested functions."""
    for child in _inside(loop.body, loop_body=False):
        if isinstance(child, (ast.Return, ast.Raise, ast.Yield, ast.YieldFrom, ast.Await)):
            return True
        if isinstance(child, ast.Break):
            return True
        if isinstance(child, ast.Call) and dotted(child.func) in EXITS:
            return True
    return False


def _inside(nodes: list[ast.stmt], *, loop_body: bool) -> Iterator[ast.AST]:
    """The nodes under `nodes`, not inside nested functions, classes or lambdas, nor the breaks
    of an inner loop's body (they end that loop)."""
    stack: list[tuple[ast.AST, bool]] = [(n, loop_body) for n in nodes]
    while stack:
        node, inner = stack.pop()
        if isinstance(node, BOUNDARIES):
            continue
        if isinstance(node, ast.Break) and inner:
            continue
        yield node
        if isinstance(node, LOOPS):
            stack += [(n, True) for n in node.body]
            stack += [(n, inner) for n in node.orelse]
            stack.append((node.iter if not isinstance(node, ast.While) else node.test, inner))
            continue
        stack += [(n, inner) for n in ast.iter_child_nodes(node)]


def block(walk: Lines, node: ast.AST, depth: int) -> bool:
    """unreachable-code: a jump that is not the last statement of its block."""
    for field in ("body", "orelse", "finalbody"):
        body = getattr(node, field, None)
        if isinstance(body, list) and any(
            isinstance(s, (ast.Return, ast.Raise, ast.Continue, ast.Break)) for s in body[:-1]
        ):
            return True
    return False


def try_(walk: Lines, node: ast.Try, depth: int) -> bool:
    if block(walk, node, depth):
        return True
    jumps = (ast.Return, ast.Break, ast.Continue)  # return-in-finally
    return any(isinstance(n, jumps) for s in node.finalbody for n in ast.walk(s))


def handler(walk: Lines, node: ast.ExceptHandler, depth: int) -> bool:
    if block(walk, node, depth):
        return True
    types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
    broad = node.type is None or any(t is not None and dotted(t) in BROAD for t in types)
    if not broad:
        return False
    first = node.body[0]  # a one-line suite (`except: x()`) has no statements for the rule
    one_line = walk.line(first.lineno)[: first.col_offset].strip() != b""
    return one_line or all(_does_nothing(s) for s in node.body)  # swallowed-exception


def _does_nothing(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Pass, ast.Continue)):
        return True
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, NOTHING)
    )


def assert_(walk: Lines, node: ast.Assert, depth: int) -> bool:
    return isinstance(node.test, ast.Tuple) and bool(node.test.elts) and node.msg is None


def dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None
