"""Type codemods' common ground: a parsed module, nodes found where mypy points, typing imports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar, cast

import libcst as cst
import libcst.matchers as m
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from healers.finding import Finding, Transformed
from healers.imports import order

Version = tuple[int, int]
CSTNodeT = TypeVar("CSTNodeT", bound=cst.CSTNode)
ParsedT = TypeVar("ParsedT", bound="Parsed")
Parents = Mapping[cst.CSTNode, cst.CSTNode]
# original node -> how to rewrite its updated version
Targets = dict[cst.CSTNode, Callable[[cst.CSTNode], cst.CSTNode]]
CANNOT_PARSE = "libcst cannot parse this file and write it back byte for byte"
FUTURE_ANNOTATIONS = m.SimpleStatementLine(
    body=[
        m.ImportFrom(
            module=m.Name("__future__"),
            names=[m.ZeroOrMore(), m.ImportAlias(name=m.Name("annotations")), m.ZeroOrMore()],
        )
    ]
)
# Where a name a codemod adds is expected to come from: a binding from elsewhere is not ours.
TYPING_MODULES = frozenset({"typing", "typing_extensions", "collections.abc"})


class Parsed:
    """A module with positions, parents and scopes; nodes indexed by where they start."""

    def __init__(self, source: str) -> None:
        self.module = cst.parse_module(source)
        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        self.positions = wrapper.resolve(PositionProvider)
        self.parents: Parents = wrapper.resolve(ParentNodeProvider)
        self.scopes = {s for s in wrapper.resolve(ScopeProvider).values() if s is not None}
        self._starts: dict[tuple[int, int], list[cst.CSTNode]] = defaultdict(list)
        for node, where in self.positions.items():
            self._starts[(where.start.line, where.start.column)].append(node)

    @classmethod
    def of(cls: type[ParsedT], source: str) -> ParsedT | None:
        try:
            parsed = cls(source)
        except (cst.ParserSyntaxError, RecursionError):
            return None
        # libcst drops a trailing bare "\r" (conventions.md section 0): never rewrite such a file.
        return parsed if parsed.module.code == source else None

    def at(
        self, finding: Finding, kind: type[cst.CSTNode] | m.BaseMatcherNode
    ) -> list[cst.CSTNode]:
        """The nodes of `kind` that start where mypy points (mypy's column is 0-based)."""
        found = self._starts.get((finding.line, finding.column - 1), [])
        if isinstance(kind, type):
            return [n for n in found if isinstance(n, kind)]
        return [n for n in found if m.matches(n, kind)]

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def functions_at(self, line: int) -> list[cst.FunctionDef]:
        """The functions whose `def` is on `line` (mypy reports a function there, not at its
        decorators)."""
        return [
            n
            for n in self.positions
            if isinstance(n, cst.FunctionDef) and self.line(n.name) == line
        ]

    def enclosing(
        self, node: cst.CSTNode, kind: type[cst.CSTNode] | tuple[type[cst.CSTNode], ...]
    ) -> cst.CSTNode | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, kind):
                return node
        return None

    @property
    def lazy_annotations(self) -> bool:
        return any(m.matches(s, FUTURE_ANNOTATIONS) for s in self.module.body)

    def binding(self, name: str) -> str:
        """How `name` is bound anywhere in the module: "" unbound, the module it is imported
        from ("typing"), or "?" for any other binding."""
        sources = set()
        for scope in self.scopes:
            for assignment in scope.assignments[name]:
                node = assignment.node if isinstance(assignment, ImportAssignment) else None
                if isinstance(node, cst.ImportFrom) and node.module is not None:
                    sources.add(get_full_name_for_node(node.module) or "?")
                else:
                    sources.add("?")
        if not sources:
            return ""
        return sources.pop() if len(sources) == 1 else "?"

    def global_scope(self) -> Scope | None:
        return next((s for s in self.scopes if isinstance(s, GlobalScope)), None)


def cannot_parse(findings: Sequence[Finding], source: str) -> Transformed:
    return Transformed(source, unfixed=tuple((i, CANNOT_PARSE) for i in range(len(findings))))


def import_name(module: cst.Module, name: str, source: str) -> cst.Module:
    """`from source import name`, merged and sorted the way ruff's isort sorts it."""
    body: order.Body = list(module.body)
    order.add_from_import(module, body, source, name)
    return module.with_changes(body=body)


def needs_import(parsed: Parsed, name: str, source: str) -> str | None:
    """None when `name` is already imported from a typing module; "" when heal may import it;
    else why it cannot (the name means something else here)."""
    bound = parsed.binding(name)
    if bound in TYPING_MODULES:
        return None
    if bound:
        return f"`{name}` is bound here to something other than `{source}.{name}`"
    return ""


class Rewrite(cst.CSTTransformer):
    """Replace chosen original nodes by what `make` returns for their updated version."""

    def __init__(self, targets: Targets):
        super().__init__()
        self.targets = targets

    def on_leave(
        self, original_node: CSTNodeT, updated_node: CSTNodeT
    ) -> CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[CSTNodeT]:
        make = self.targets.get(original_node)
        # libcst types a replacement as the node's own type; a statement may become another
        return cast(CSTNodeT, make(updated_node)) if make is not None else updated_node


def result(
    source: str, module: cst.Module, fixed: Sequence[int], unfixed: Sequence[tuple[int, str]]
) -> Transformed:
    text = module.code if fixed else source
    return Transformed(text, tuple(sorted(fixed)), tuple(sorted(unfixed)))


def other_message(finding: Finding, what: str) -> str:
    return f"mypy reports another problem under this code ({finding.message}); heal fixes {what}"
