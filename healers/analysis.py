"""heal's own analyzers: every rule of performance.py and logic.py in one libcst pass per file."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider, Scope, ScopeProvider

from healers import syntax
from healers.finding import Finding


@dataclass(frozen=True)
class Site:
    """One flagged node: the rule, the node (reported at its start) and the message."""

    rule: str
    node: cst.CSTNode
    message: str
    related: tuple[cst.CSTNode, ...] = ()  # what a codemod needs besides the node (the loop, ...)
    detail: str = ""  # likewise: a name the rule worked out


# A rule: (node type it looks at, check). The check runs when the pass reaches such a node.
Check = Callable[["Context", Any], Iterator[Site]]
RuleTable = Mapping[str, tuple[type[cst.CSTNode], Check]]

BOUNDARIES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)  # a loop does not reach inside these
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


@dataclass(frozen=True)
class Frame:
    """An enclosing function, class, loop or comprehension; `outside` holds the children of a
    loop that run once, not per iteration (a `for` loop's iterable and `else:` block)."""

    node: cst.CSTNode
    outside: tuple[cst.CSTNode, ...] = ()
    suspended: bool = False  # this frame stands for a loop's `outside` child being visited


FRAMES = frozenset((*BOUNDARIES, cst.For, cst.While, *COMPREHENSIONS))


def _frame(node: cst.CSTNode) -> Frame:
    if isinstance(node, cst.For):
        return Frame(node, (node.iter, *((node.orelse,) if node.orelse else ())))
    if isinstance(node, cst.While):
        return Frame(node, (node.orelse,) if node.orelse else ())
    if isinstance(node, COMPREHENSIONS):
        return Frame(node, (node.for_in.iter,))
    return Frame(node)


class Context:
    """One parsed file and what its rules share: where the pass is (enclosing functions and
    loops), and metadata (positions, scopes) resolved once, on first use only."""

    def __init__(self, module: cst.Module, wrapper: MetadataWrapper | None = None) -> None:
        self.module = module
        # a codemod passes its own wrapper: positions and scopes are resolved once per file
        self.wrapper = (
            wrapper if wrapper is not None else MetadataWrapper(module, unsafe_skip_copy=True)
        )
        self.stack: list[Frame] = []
        self.seen: set[int] = set()  # ids of nodes a rule already covered (elif heads, chains)

    @cached_property
    def positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        return self.wrapper.resolve(PositionProvider)

    @cached_property
    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        return self.wrapper.resolve(ScopeProvider)

    def loops(self) -> list[cst.CSTNode]:
        """The loops (innermost first) whose every iteration runs the node being visited, up to
        the enclosing function."""
        found: list[cst.CSTNode] = []
        skip = 0
        for frame in reversed(self.stack):
            if isinstance(frame.node, BOUNDARIES):
                break
            if frame.suspended:
                skip += 1
            elif skip:
                skip -= 1
            else:
                found.append(frame.node)
        return found

    def function(self) -> cst.FunctionDef | None:
        """The innermost enclosing `def`, or None at module or class level."""
        for frame in reversed(self.stack):
            if isinstance(frame.node, (cst.ClassDef, cst.Lambda)):
                return None
            if isinstance(frame.node, cst.FunctionDef):
                return frame.node
        return None

    def in_class_body(self) -> bool:
        for frame in reversed(self.stack):
            if isinstance(frame.node, BOUNDARIES):
                return isinstance(frame.node, cst.ClassDef)
        return False

    @cached_property
    def imported(self) -> frozenset[str]:
        """Names bound by imports at module level (`import os.path` binds `os`): a cheap test
        to run before asking the scopes, which cost more than the rest of the pass."""
        bound: set[str] = set()
        for stmt in self.module.body:
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                continue  # their imports are not module-level (and walking them costs a pass)
            for node in syntax.find(stmt, cst.Import, cst.ImportFrom, nested=False):
                names = getattr(node, "names", ())
                for alias in names if isinstance(names, Sequence) else ():
                    full = alias.evaluated_alias or alias.evaluated_name
                    bound.add(full.partition(".")[0])
        return frozenset(bound)

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        scope = self.scopes.get(node)
        if scope is None:
            return set()
        return {q.name for q in scope.get_qualified_names_for(node)}

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based line and column of the node's start."""
        start = self.positions[node].start
        return start.line, start.column + 1


class _Pass(cst.CSTVisitor):
    """The one traversal: calls each rule registered for a node's type, and keeps the stack of
    enclosing functions and loops up to date for them."""

    def __init__(self, ctx: Context, table: Mapping[type[cst.CSTNode], Sequence[Check]]) -> None:
        super().__init__()
        self.ctx, self.table = ctx, table
        self.found: list[Site] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        stack = self.ctx.stack
        if stack and any(node is child for child in stack[-1].outside):
            stack.append(Frame(node, suspended=True))
        for check in self.table.get(type(node), ()):
            self.found.extend(check(self.ctx, node))
        # type(), not isinstance(): libcst's node classes are ABCs, where isinstance is slow
        if type(node) in FRAMES:
            stack.append(_frame(node))
        return True

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        """Nothing: skips libcst's lookup of a visit_<Node>_<attribute> method per field."""

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        """Nothing, as on_visit_attribute."""

    def on_leave(self, original_node: cst.CSTNode) -> None:
        stack = self.ctx.stack
        if stack and stack[-1].node is original_node and not stack[-1].suspended:
            stack.pop()
        if stack and stack[-1].node is original_node and stack[-1].suspended:
            stack.pop()


def dispatch(tables: Iterable[RuleTable]) -> dict[type[cst.CSTNode], list[Check]]:
    by_type: dict[type[cst.CSTNode], list[Check]] = {}
    for table in tables:
        for node_type, check in table.values():
            by_type.setdefault(node_type, []).append(check)
    return by_type


def sites(
    module: cst.Module,
    table: Mapping[type[cst.CSTNode], Sequence[Check]],
    *,
    wrapper: MetadataWrapper | None = None,
) -> tuple[Context, list[Site]]:
    """Run the rules in `table` over the module in one pass, with a Context built for it (on
    `wrapper`, the metadata of that module, when the caller has one)."""
    ctx = Context(module, wrapper)
    visitor = _Pass(ctx, table)
    module.visit(visitor)
    return ctx, visitor.found


def run_rules(
    path: str, text: str, table: Mapping[type[cst.CSTNode], Sequence[Check]]
) -> list[Finding]:
    """The findings of one file; libcst errors propagate (the worker reports them per file)."""
    ctx, found = sites(syntax.parsed(text), table)
    findings = []
    for site in found:
        line, column = ctx.position(site.node)
        findings.append(
            Finding(
                code=f"heal:{site.rule}",
                path=path,
                line=line,
                column=column,
                message=site.message,
                name=site.rule,
                severity="warning",
            )
        )
    return findings


def analyze_job(
    path: str, text: str, table: Mapping[type[cst.CSTNode], Sequence[Check]]
) -> dict[str, Any]:
    """The worker's side: {"findings": [...]} or {"error": why}, never an exception."""
    try:
        found = run_rules(path, text, table)
    except RecursionError:
        return {"error": "the file is nested too deeply for libcst"}
    except Exception as exc:  # a rule's bug, or libcst refusing the file, costs this file only
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return {"error": f"heal's own analyzers failed: {last}"}
    return {"findings": [asdict(f) for f in found]}
