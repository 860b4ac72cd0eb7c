"""Import codemods: add a missing stdlib import; move an import cycle's edge under TYPE_CHECKING."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence

import libcst as cst
import libcst.matchers as m
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Access,
    FunctionScope,
    GlobalScope,
    ImportAssignment,
    Scope,
)

from healers.codemod import Codemods, legacy
from healers.finding import Finding, Transformed
from healers.imports import order
from healers.typecheck.common import Parsed, cannot_parse

# Names heal imports on sight: unambiguous, and rarely a typo for a local variable. The abstract
# collections come from collections.abc, as ruff's UP035 asks for Python >= 3.9.
# fmt: off
STDLIB_SYMBOLS: dict[str, str] = {
    "ABC": "abc", "abstractmethod": "abc",
    "ChainMap": "collections", "Counter": "collections", "OrderedDict": "collections",
    "defaultdict": "collections", "deque": "collections", "namedtuple": "collections",
    "Callable": "collections.abc", "Generator": "collections.abc", "Iterable": "collections.abc",
    "Iterator": "collections.abc", "Mapping": "collections.abc", "Sequence": "collections.abc",
    "ExitStack": "contextlib", "contextmanager": "contextlib", "suppress": "contextlib",
    "deepcopy": "copy",
    "asdict": "dataclasses", "dataclass": "dataclasses", "field": "dataclasses",
    "date": "datetime", "datetime": "datetime", "timedelta": "datetime", "timezone": "datetime",
    "Decimal": "decimal",
    "Enum": "enum", "IntEnum": "enum",
    "Fraction": "fractions",
    "cache": "functools", "cached_property": "functools", "lru_cache": "functools",
    "partial": "functools", "reduce": "functools", "total_ordering": "functools",
    "wraps": "functools",
    "BytesIO": "io", "StringIO": "io",
    "chain": "itertools", "groupby": "itertools", "islice": "itertools",
    "zip_longest": "itertools",
    "attrgetter": "operator", "itemgetter": "operator",
    "Path": "pathlib", "PurePath": "pathlib",
    "dedent": "textwrap",
    "SimpleNamespace": "types", "TracebackType": "types",
    "TYPE_CHECKING": "typing", "Any": "typing", "ClassVar": "typing", "Dict": "typing",
    "Final": "typing", "List": "typing", "Literal": "typing", "NamedTuple": "typing",
    "Optional": "typing", "Protocol": "typing", "Set": "typing", "Tuple": "typing",
    "TypeVar": "typing", "Union": "typing", "cast": "typing", "overload": "typing",
    "UUID": "uuid", "uuid4": "uuid",
}
# fmt: on
# Standard-library modules whose name is far more likely the project's own, or a typo.
NOT_MODULES = frozenset({"antigravity", "idlelib", "test", "this", "turtledemo"})
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

_MESSAGE = re.compile(r"Undefined name `([^`]+)`|Name \"([^\"]+)\" is not defined")
Parents = Mapping[cst.CSTNode, cst.CSTNode]


class _Parsed(Parsed):
    """The shared parsed module, plus the module body both import codemods edit in place."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.body: order.Body = list(self.module.body)

    def result(self, source: str, fixed: list[int], unfixed: list[tuple[int, str]]) -> Transformed:
        text = self.module.with_changes(body=self.body).code if fixed else source
        return Transformed(text, tuple(fixed), tuple(unfixed))


# --- add_stdlib_import -------------------------------------------------------------------------


def add_stdlib_import(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """Import the standard-library name each `ruff:F821` / `mypy:name-defined` finding names."""
    parsed = _Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    start, end = order.run_bounds(parsed.body, 0)
    first_import = parsed.line(parsed.body[start]) if start < end else 0
    reasons: dict[str, str] = {}  # name -> "" once imported, else why not
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    for index, finding in enumerate(findings):
        found = _MESSAGE.search(finding.message)
        name = (found.group(1) or found.group(2)) if found else ""
        if name not in reasons:
            accesses = [a for scope in parsed.scopes for a in scope.accesses[name]]
            reasons[name] = _why_not(parsed, name, accesses)
            early = [parsed.line(a.node) for a in accesses if _at_import_time(a.scope)]
            if (
                not reasons[name]
                and first_import
                and min(early, default=first_import) < first_import
            ):
                reasons[name] = f"`{name}` is used on line {min(early)}, above the module's imports"
            if not reasons[name]:
                _add_stdlib(parsed, name)
        if reasons[name]:
            unfixed.append((index, reasons[name]))
        else:
            fixed.append(index)
    return parsed.result(source, fixed, unfixed)


def _at_import_time(scope: Scope) -> bool:
    while not isinstance(scope, GlobalScope):
        if isinstance(scope, FunctionScope):
            return False
        scope = scope.parent
    return True


def _why_not(parsed: _Parsed, name: str, accesses: list[Access]) -> str:
    if not name:
        return "cannot read the undefined name from the message"
    if any(name in scope.assignments for scope in parsed.scopes):
        return f"`{name}` is bound in this module: the finding is about scope or order"
    as_attribute = all(
        isinstance(a.node, cst.Name)
        and m.matches(parsed.parents[a.node], m.Attribute(value=m.Name(a.node.value)))
        for a in accesses
    )
    is_module = name in sys.stdlib_module_names and not name.startswith("_")
    if name in STDLIB_SYMBOLS:
        if is_module and as_attribute:  # `datetime.now()`: the module, or its class?
            return f"`{name}` is used only as `{name}.attr`: the module or its `{name}`?"
        return ""
    if not is_module or name in NOT_MODULES:
        return f"`{name}` is not a standard-library name heal knows"
    if not as_attribute:
        return f"`{name}` is a standard-library module but is not used as `{name}.attr`"
    return ""


def _add_stdlib(parsed: _Parsed, name: str) -> None:
    if name not in STDLIB_SYMBOLS:
        # (nothing) -> import json
        order.insert_import(parsed.body, order.statement(f"import {name}"), start=0, top=True)
        return
    module = STDLIB_SYMBOLS[name]
    typing_habit = order.from_import_at(parsed.body, "typing") is not None
    if (
        module == "collections.abc"
        and typing_habit
        and order.from_import_at(parsed.body, module) is None
    ):
        module = "typing"  # follow the file's habit of importing the ABCs from typing
    order.add_from_import(parsed.module, parsed.body, module, name)


# --- move_import_under_type_checking -----------------------------------------------------------


def move_import_under_type_checking(
    source: str, findings: Sequence[Finding], target: tuple[int, int] | None = None
) -> Transformed:
    """Move each `heal:import-cycle` import used only in annotations into `if TYPE_CHECKING:`."""
    parsed = _Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    lazy = any(
        m.matches(s, m.SimpleStatementLine(body=[m.ImportFrom(module=m.Name("__future__"))]))
        and "annotations" in order.bound_names(s)
        for s in parsed.body
    )
    moving: dict[int, cst.SimpleStatementLine] = {}
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    # computed once per file: a module with many cycle findings must not be walked per finding
    exported = _dunder_all(parsed)
    imported: dict[int, list[ImportAssignment]] = defaultdict(list)
    for scope in parsed.scopes:
        for assignment in scope.assignments:
            if isinstance(assignment, ImportAssignment):
                imported[id(assignment.node)].append(assignment)
    for index, finding in enumerate(findings):
        stmt = next((s for s in parsed.body if parsed.line(s) == finding.line), None)
        reason = _why_stay(parsed, stmt, lazy, exported, imported) if stmt is not None else ""
        if stmt is None:
            reason = f"no top-level import statement on line {finding.line}"
        if reason or not isinstance(stmt, cst.SimpleStatementLine):  # _why_stay checked the shape
            unfixed.append((index, reason or "not a simple import statement"))
        else:
            moving[id(stmt)] = stmt
            fixed.append(index)
    bindings = [
        a
        for scope in parsed.scopes
        if isinstance(scope, GlobalScope)
        for a in scope.assignments["TYPE_CHECKING"]
    ]
    if moving and not all(isinstance(a, ImportAssignment) and _from_typing(a) for a in bindings):
        reason = "`TYPE_CHECKING` is bound here by something other than `from typing import`"
        return Transformed(source, unfixed=tuple(sorted([*unfixed, *((i, reason) for i in fixed)])))
    # last first: removing a statement may rewrite the blank lines of the one after it
    moved = sorted(moving.values(), key=parsed.body.index, reverse=True)
    for stmt in moved:
        order.remove_import(parsed.body, stmt)
    for stmt in reversed(moved):
        # import x  ->  if TYPE_CHECKING:
        #                   import x
        order.add_under_type_checking(parsed.module, parsed.body, stmt, import_it=not bindings)
    return parsed.result(source, fixed, unfixed)


def _from_typing(assignment: ImportAssignment) -> bool:
    return m.matches(assignment.node, m.ImportFrom(module=m.Name("typing")))


def _why_stay(
    parsed: _Parsed,
    stmt: cst.BaseStatement,
    lazy: bool,
    exported: Sequence[tuple[str, int]],
    imported: Mapping[int, Sequence[ImportAssignment]],
) -> str:
    """Why the import must stay where it is, or "" when every use of it is a type hint."""
    if not m.matches(stmt, order.IMPORT_LINE):
        return "the statement on that line is not a lone top-level import"
    node = cst.ensure_type(stmt, cst.SimpleStatementLine).body[0]
    if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
        return "a star import binds names heal cannot see"
    assignments = imported.get(id(node), ())
    accesses = sorted(
        {a for s in assignments for a in s.references}, key=lambda a: parsed.line(a.node)
    )
    bound = order.bound_names(stmt)
    runtime = [f"{n} (`__all__`, line {line})" for n, line in exported if n in bound]
    eager: list[str] = []
    evaluated: list[str] = []
    for access in accesses:
        where = f"{parsed.module.code_for_node(access.node)} (line {parsed.line(access.node)})"
        # a string is never evaluated by Python itself: "B", cast("B", x), TypeVar(bound="B")
        is_string = isinstance(access.node, cst.BaseString)
        if _under_type_checking(parsed.parents, access.node):
            continue
        if not access.is_annotation:
            runtime += [] if is_string else [where]
        elif not lazy and not is_string:
            eager.append(where)
        elif reader := _annotation_reader(parsed.parents, access.node):
            evaluated.append(f"{where}, read by {reader}")
    if runtime:
        return "names used at runtime: " + ", ".join(runtime)
    if eager:
        return "annotations are evaluated at runtime (no `from __future__ import annotations`)"
    if evaluated:
        return "annotations that may be evaluated at runtime: " + ", ".join(evaluated)
    if not accesses:
        return "the names it binds are not used here (a re-export or an import for side effects?)"
    return ""


def _dunder_all(parsed: _Parsed) -> list[tuple[str, int]]:
    target = m.Name("__all__")
    shape = m.Assign(targets=[m.AssignTarget(target)]) | m.AugAssign(target) | m.AnnAssign(target)
    return [
        (string.evaluated_value, parsed.line(string))
        for stmt in parsed.body
        for found in m.findall(stmt, shape)
        for string in m.findall(found, m.SimpleString())
        if isinstance(string, cst.SimpleString) and isinstance(string.evaluated_value, str)
    ]


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


CODEMODS: Codemods = {
    "AddStdlibImport": legacy(add_stdlib_import),
    "MoveImportUnderTypeChecking": legacy(move_import_under_type_checking),
}
