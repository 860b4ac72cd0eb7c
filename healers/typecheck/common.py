"""The type codemods' family base: what mypy's findings need beyond the one codemod base."""

from __future__ import annotations

from functools import cached_property

import libcst as cst
import libcst.matchers as m
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ImportAssignment

from healers.codemod import FindingCodemod, Rewrite
from healers.finding import Finding
from healers.imports import order

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


class TypeCodemod(FindingCodemod):
    """A codemod for mypy's findings: functions by the line of their `def`, whether annotations
    are evaluated, how a name is bound, and whether a typing name may be imported."""

    def once(self, node: cst.CSTNode, rewrite: Rewrite) -> None:
        """Rewrite `node` unless a finding before this one already did: two findings on one
        node are one fix (the base's `replace` would run the rewrite twice)."""
        if node not in self.edits:
            self.replace(node, rewrite)

    def functions_at(self, line: int) -> list[cst.FunctionDef]:
        """The functions whose `def` is on `line` (mypy reports a function there, not at its
        decorators)."""
        return [
            n
            for n in self.positions
            if isinstance(n, cst.FunctionDef) and self.line(n.name) == line
        ]

    @cached_property
    def lazy_annotations(self) -> bool:
        return any(m.matches(s, FUTURE_ANNOTATIONS) for s in self.module.body)

    @cached_property
    def type_checking_block(self) -> cst.If | None:
        """The module's `if TYPE_CHECKING:` block: where this file imports names for types."""
        found = [s for s in self.module.body if m.matches(s, order.TYPE_CHECKING_BLOCK)]
        return cst.ensure_type(found[0], cst.If) if found else None

    def why_not_import(self, *, evaluated: bool) -> str:
        """ "" when a typing name can be imported the file's way; else why not. A file with an
        `if TYPE_CHECKING:` block imports names for types there, which only an annotation that
        is never evaluated at run time can use."""
        if self.type_checking_block is not None and evaluated and not self.lazy_annotations:
            return (
                "the file imports names for types under `if TYPE_CHECKING:` and this annotation "
                "is evaluated at run time (no `from __future__ import annotations`)"
            )
        return ""

    def evaluated(self, node: cst.CSTNode) -> bool:
        """Is the annotation holding `node` evaluated at run time? A variable annotation inside
        a function body never is; lazy annotations never are."""
        if self.lazy_annotations:
            return False
        ann = self.enclosing(node, cst.AnnAssign)
        return ann is None or self.enclosing(ann, cst.FunctionDef) is None

    def import_typing_name(self, module: cst.Module, name: str, source: str) -> cst.Module:
        """`from source import name` the file's way: under its `if TYPE_CHECKING:` block when it
        has one (`why_not_import` said that works), else with its other imports."""
        block = next((s for s in module.body if m.matches(s, order.TYPE_CHECKING_BLOCK)), None)
        if not isinstance(block, cst.If) or not isinstance(block.body, cst.IndentedBlock):
            return import_name(module, name, source)
        # if TYPE_CHECKING: from typing import A -> if TYPE_CHECKING: from typing import A, Any
        inner: order.Body = list(block.body.body)
        order.add_from_import(module, inner, source, name)
        body = list(module.body)
        body[body.index(block)] = block.with_changes(body=block.body.with_changes(body=inner))
        return module.with_changes(body=body)

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

    def needs_import(self, name: str, source: str) -> str | None:
        """None when `name` is already imported from a typing module; "" when heal may import
        it; else why it cannot (the name means something else here)."""
        bound = self.binding(name)
        if bound in TYPING_MODULES:
            return None
        if bound:
            return f"`{name}` is bound here to something other than `{source}.{name}`"
        return ""


def import_name(module: cst.Module, name: str, source: str) -> cst.Module:
    """`from source import name`, merged and sorted the way ruff's isort sorts it."""
    body: order.Body = list(module.body)
    order.add_from_import(module, body, source, name)
    return module.with_changes(body=body)


def other_message(finding: Finding, what: str) -> str:
    return f"mypy reports another problem under this code ({finding.message}); heal fixes {what}"
