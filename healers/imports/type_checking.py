"""Import codemod for an import cycle: move an import used only in type hints into
`if TYPE_CHECKING:`, where nothing imports it at runtime."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cached_property

import libcst as cst
import libcst.matchers as m
from libcst.helpers import get_full_name_for_node
from libcst.metadata import GlobalScope, ImportAssignment

from healers.codemod import FindingCodemod, Version
from healers.finding import Finding
from healers.imports import order, runtime_uses

# Decorators and bases known not to evaluate the annotations they see. Any other may (pydantic,
# FastAPI, functools.singledispatch's register), and then a TYPE_CHECKING import breaks it.
# fmt: off
INERT_DECORATORS = frozenset({
    "abstractmethod", "cache", "cached_property", "classmethod", "contextmanager", "dataclass",
    "deleter", "final", "getter", "lru_cache", "overload", "override", "property", "setter",
    "staticmethod", "total_ordering",
})
INERT_BASES = frozenset({
    "ABC", "Enum", "Exception", "Generic", "IntEnum", "NamedTuple", "Protocol", "object",
})
# fmt: on

FUTURE_IMPORT = m.SimpleStatementLine(body=[m.ImportFrom(module=m.Name("__future__"))])
ALL = m.Name("__all__")
DUNDER_ALL = m.Assign(targets=[m.AssignTarget(ALL)]) | m.AugAssign(ALL) | m.AnnAssign(ALL)
Parents = Mapping[cst.CSTNode, cst.CSTNode]


class MoveImportUnderTypeChecking(FindingCodemod):
    """Move each `heal:import-cycle` import used only in annotations into `if TYPE_CHECKING:`."""

    def __init__(self, module: cst.Module, target: Version | None) -> None:
        super().__init__(module, target)
        self.moving: dict[int, cst.SimpleStatementLine] = {}  # id -> statement, as found

    @cached_property
    def lazy(self) -> bool:
        """Annotations are not evaluated: `from __future__ import annotations`."""
        return any(
            m.matches(s, FUTURE_IMPORT) and "annotations" in order.bound_names(s)
            for s in self.module.body
        )

    @cached_property
    def exported(self) -> list[tuple[str, int]]:
        """The names `__all__` lists, with their line (once per file, not per finding)."""
        return [
            (string.evaluated_value, self.line(string))
            for stmt in self.module.body
            for found in m.findall(stmt, DUNDER_ALL)
            for string in m.findall(found, m.SimpleString())
            if isinstance(string, cst.SimpleString) and isinstance(string.evaluated_value, str)
        ]

    @cached_property
    def imported(self) -> Mapping[int, Sequence[ImportAssignment]]:
        """The names each import statement binds, by the id of its import node."""
        imported: dict[int, list[ImportAssignment]] = defaultdict(list)
        for scope in self.scopes:
            for assignment in scope.assignments:
                if isinstance(assignment, ImportAssignment):
                    imported[id(assignment.node)].append(assignment)
        return imported

    @cached_property
    def first_look(self) -> runtime_uses.Uses:
        """The stdlib-ast look that refuses the certain cases before libcst resolves metadata."""
        return runtime_uses.Uses(self.source)

    def fix(self, finding: Finding) -> str | None:
        quick = self.first_look.refusal(finding.line)
        if quick is not None:
            return quick
        stmt = next((s for s in self.module.body if self.line(s) == finding.line), None)
        if stmt is None:
            return f"no top-level import statement on line {finding.line}"
        reason = self._why_stay(stmt)
        if reason or not isinstance(stmt, cst.SimpleStatementLine):  # _why_stay checked the shape
            return reason or "not a simple import statement"
        self.moving[id(stmt)] = stmt
        return None

    def finish(self, module: cst.Module) -> cst.Module | str:
        bindings = [
            a
            for scope in self.scopes
            if isinstance(scope, GlobalScope)
            for a in scope.assignments["TYPE_CHECKING"]
        ]
        if not all(isinstance(a, ImportAssignment) and _from_typing(a) for a in bindings):
            return "`TYPE_CHECKING` is bound here by something other than `from typing import`"
        body: order.Body = list(module.body)
        # last first: removing a statement may rewrite the blank lines of the one after it
        moved = sorted(self.moving.values(), key=body.index, reverse=True)
        for stmt in moved:
            order.remove_import(body, stmt)
        for stmt in reversed(moved):
            # import x  ->  if TYPE_CHECKING:
            #                   import x
            order.add_under_type_checking(module, body, stmt, import_it=not bindings)
        return module.with_changes(body=body)

    def _why_stay(self, stmt: cst.BaseStatement) -> str:
        """Why the import must stay where it is, or "" when every use of it is a type hint."""
        if not m.matches(stmt, order.IMPORT_LINE):
            return "the statement on that line is not a lone top-level import"
        node = cst.ensure_type(stmt, cst.SimpleStatementLine).body[0]
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            return "a star import binds names heal cannot see"
        assignments = self.imported.get(id(node), ())
        # by position, so the reason reads the same on every run (a set of accesses is unordered)
        accesses = sorted(
            {a for s in assignments for a in s.references},
            key=lambda a: (self.positions[a.node].start.line, self.positions[a.node].start.column),
        )
        bound = order.bound_names(stmt)
        runtime = [f"{n} (`__all__`, line {line})" for n, line in self.exported if n in bound]
        eager: list[str] = []
        evaluated: list[str] = []
        for access in accesses:
            where = f"{self.code(access.node)} (line {self.line(access.node)})"
            # a string is never evaluated by Python itself: "B", cast("B", x), TypeVar(bound="B")
            is_string = isinstance(access.node, cst.BaseString)
            if _under_type_checking(self.parents, access.node):
                continue
            if not access.is_annotation:
                runtime += [] if is_string else [where]
            elif not self.lazy and not is_string:
                eager.append(where)
            elif reader := _annotation_reader(self.parents, access.node):
                evaluated.append(f"{where}, read by {reader}")
        if runtime:
            return "names used at runtime: " + ", ".join(runtime)
        if eager:
            return "annotations are evaluated at runtime (no `from __future__ import annotations`)"
        if evaluated:
            return "annotations that may be evaluated at runtime: " + ", ".join(evaluated)
        if not accesses:
            return (
                "the names it binds are not used here (a re-export or an import for side effects?)"
            )
        return ""


def _from_typing(assignment: ImportAssignment) -> bool:
    return m.matches(assignment.node, m.ImportFrom(module=m.Name("typing")))


def _under_type_checking(parents: Parents, node: cst.CSTNode) -> bool:
    while node in parents:
        node = parents[node]
        if m.matches(node, order.TYPE_CHECKING_BLOCK):
            return True
    return False


def _annotation_reader(parents: Parents, node: cst.CSTNode) -> str:
    """Who may evaluate at runtime the annotation that holds `node`: a decorator, a base, or ""."""
    while not isinstance(node, cst.Annotation):
        node = parents[node]
    owner = parents[node]
    if isinstance(owner, cst.Param):
        owner = parents[parents[owner]]  # Param -> Parameters -> FunctionDef
    elif isinstance(owner, cst.AnnAssign):
        block = parents[parents[owner]]  # AnnAssign -> statement line -> block
        owner = parents[block] if isinstance(block, cst.IndentedBlock) else block
        if not isinstance(owner, cst.ClassDef):
            return ""  # a module or local variable: nothing reads its annotation
        for base in [*owner.bases, *owner.keywords]:
            name = get_full_name_for_node(base.value) or "?"
            if name.rpartition(".")[2] not in INERT_BASES:
                return f"base `{name}` of class `{owner.name.value}`"
    if not isinstance(owner, (cst.FunctionDef, cst.ClassDef)):
        return ""
    for decorator in owner.decorators:
        target = decorator.decorator
        name = (
            get_full_name_for_node(target.func if isinstance(target, cst.Call) else target) or "?"
        )
        if name.rpartition(".")[2] not in INERT_DECORATORS:
            return f"`@{name}`"
    return ""
