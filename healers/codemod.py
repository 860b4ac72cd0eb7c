"""THE codemod base: parse a file once, find the node each finding points at, replace it, and say
what happened in a closed result (Fixed | Unchanged | Skipped) that never raises past the file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import TypeVar

import libcst as cst
import libcst.matchers as m
from libcst.metadata import (
    CodeRange,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from healers import syntax
from healers.finding import Finding
from healers.results import Fixed, Result, Skipped, Unchanged, Version, decode, encode, version

__all__ = [  # the results live in healers.results (no libcst): re-exported for the codemods
    "Fixed",
    "Result",
    "Skipped",
    "Unchanged",
    "Version",
    "decode",
    "encode",
    "version",
]

CANNOT_PARSE = "libcst cannot parse this file and write it back byte for byte"
NOT_FOUND = "the flagged code was not found where the analyzer reported it"

Replacement = cst.CSTNode | cst.FlattenSentinel[cst.CSTNode] | cst.RemovalSentinel
# A rewrite gets the node with its children already rewritten and returns what replaces it.
Rewrite = Callable[[cst.CSTNode], Replacement]
N = TypeVar("N", bound=cst.CSTNode)


class FindingCodemod:
    """One codemod, on the one base. A subclass implements `fix(finding)`: find the finding's node
    (`at`, `nodes`), schedule its rewrite with `replace(node, rewrite)` and return None, or return
    why it leaves the code alone (the finding is reported unfixed with that reason). `finish`
    makes module-level edits (imports) once the nodes are rewritten, or says why none of the
    planned fixes can be written. `run` does the rest: one parse, the round-trip guard, one
    rewriting pass, the result."""

    def __init__(self, module: cst.Module, target: Version | None) -> None:
        self.module = module
        self.target = target
        self.wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.edits: dict[cst.CSTNode, Rewrite] = {}
        self.findings: tuple[Finding, ...] = ()  # all the findings `run` was given, in order
        self.settings: Mapping[str, float] = {}  # the project's codemod settings (config.py)
        self.source = ""  # the text `run` parsed (a first look may read it with stdlib ast)

    # --- what a subclass writes --------------------------------------------------------------

    def fix(self, finding: Finding) -> str | None:
        """None when the fix is planned; else why not (an empty string reads as "not found")."""
        raise NotImplementedError

    def finish(self, module: cst.Module) -> cst.Module | str:
        """The module after its nodes were rewritten, plus any module-level edit; a string says
        why none of the planned fixes may be written after all."""
        return module

    # --- the one way a codemod runs -----------------------------------------------------------

    @classmethod
    def run(
        cls,
        source: str,
        findings: Sequence[Finding],
        target: Version | None = None,
        settings: Mapping[str, float] | None = None,
    ) -> Result:
        module = parse(source)
        if module is None:
            return Skipped(CANNOT_PARSE)
        codemod = cls(module, target)
        codemod.findings = tuple(findings)
        codemod.source = source
        codemod.settings = dict(settings or {})
        fixed: list[int] = []
        skipped: list[tuple[int, str]] = []
        for index, finding in enumerate(findings):
            why = codemod.fix(finding)
            if why is None:
                fixed.append(index)
            else:
                skipped.append((index, why or NOT_FOUND))
        if not fixed:
            return Unchanged(tuple(skipped))
        done = codemod.finish(module.visit(Replace(codemod.edits)) if codemod.edits else module)
        if isinstance(done, str):
            return Unchanged(tuple(sorted([*skipped, *((i, done) for i in fixed)])))
        if done.code == source:  # planned fixes that rewrote nothing: nothing was fixed
            unchanged = "the codemod made no change"
            return Unchanged(tuple(sorted([*skipped, *((i, unchanged) for i in fixed)])))
        return Fixed(done.code, tuple(fixed), tuple(skipped))

    def replace(self, node: cst.CSTNode, rewrite: Rewrite) -> None:
        """Rewrite `node` (an original node of the module); a second rewrite of the same node
        runs after the first, on its result."""
        earlier = self.edits.get(node)
        self.edits[node] = rewrite if earlier is None else _then(earlier, rewrite)

    # --- finding nodes --------------------------------------------------------------------

    @cached_property
    def positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        return self.wrapper.resolve(PositionProvider)

    @cached_property
    def parents(self) -> Mapping[cst.CSTNode, cst.CSTNode]:
        return self.wrapper.resolve(ParentNodeProvider)

    @cached_property
    def scopes(self) -> set[Scope]:
        return {s for s in self.wrapper.resolve(ScopeProvider).values() if s is not None}

    @cached_property
    def _starts(self) -> dict[tuple[int, int], list[cst.CSTNode]]:
        starts: dict[tuple[int, int], list[cst.CSTNode]] = defaultdict(list)
        for node, where in self.positions.items():
            starts[(where.start.line, where.start.column)].append(node)
        return starts

    def at(self, finding: Finding, kind: type[N]) -> list[N]:
        """The nodes of `kind` that start exactly where the finding points (1-based column)."""
        found = self._starts.get((finding.line, finding.column - 1), [])
        return [n for n in found if isinstance(n, kind)]

    def matching(self, finding: Finding, shape: m.BaseMatcherNode) -> list[cst.CSTNode]:
        """The nodes that start where the finding points and match `shape`."""
        found = self._starts.get((finding.line, finding.column - 1), [])
        return [n for n in found if m.matches(n, shape)]

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def enclosing(
        self, node: cst.CSTNode, kind: type[cst.CSTNode] | tuple[type[cst.CSTNode], ...]
    ) -> cst.CSTNode | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, kind):
                return node
        return None


def parse(source: str) -> cst.Module | None:
    """The module, or None when libcst cannot parse it or write it back byte for byte (it drops
    a trailing bare "\\r": conventions.md section 0)."""
    try:
        module = syntax.parsed(source)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    return module if module.code == source else None


class Replace(cst.CSTTransformer):
    """Rewrites nodes by identity; each rewrite gets the node with its children already done."""

    def __init__(self, edits: Mapping[cst.CSTNode, Rewrite]) -> None:
        super().__init__()
        self.edits = edits

    def on_leave(  # type: ignore[override] # a rewrite may change the node's type (x = ... -> with)
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> Replacement:
        rewrite = self.edits.get(original_node)
        return rewrite(updated_node) if rewrite is not None else updated_node


def _then(first: Rewrite, second: Rewrite) -> Rewrite:
    def both(node: cst.CSTNode) -> Replacement:
        done = first(node)
        if not isinstance(done, cst.CSTNode):
            raise TypeError("a removed or flattened node cannot be rewritten again")
        return second(done)

    return both


def to(new: Replacement) -> Rewrite:
    """A rewrite into `new`, whatever the node became."""
    return lambda _node: new


def changes(**fields: object) -> Rewrite:
    """A rewrite that changes these fields of the (updated) node."""
    return lambda node: node.with_changes(**fields)


REMOVE: Rewrite = to(cst.RemovalSentinel.REMOVE)


Codemods = Mapping[str, type[FindingCodemod]]  # a healer's registry: name (a rule's `fix`) -> class
