"""Import codemod for an undefined standard-library name: `Path()` -> `from pathlib import Path`."""

from __future__ import annotations

import re
import sys
from functools import cached_property, partial

import libcst as cst
import libcst.matchers as m
from libcst.metadata import Access, FunctionScope, GlobalScope, Scope

from healers.codemod import FindingCodemod, Version
from healers.finding import Finding
from healers.imports import order

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
# typing's aliases of builtin generics: from Python 3.9 the builtin itself takes the parameters,
# and importing the alias is what ruff's UP035 flags
BUILTIN_GENERICS = {
    "Dict": "dict",
    "FrozenSet": "frozenset",
    "List": "list",
    "Set": "set",
    "Tuple": "tuple",
    "Type": "type",
}
_MESSAGE = re.compile(r"Undefined name `([^`]+)`|Name \"([^\"]+)\" is not defined")


class AddStdlibImport(FindingCodemod):
    """Import the standard-library name each `ruff:F821` / `mypy:name-defined` finding names."""

    def __init__(self, module: cst.Module, target: Version | None) -> None:
        super().__init__(module, target)
        self.reasons: dict[str, str] = {}  # name -> "" once imported, else why not
        self.names: list[str] = []  # the names to import, in the order the findings name them

    @cached_property
    def first_import(self) -> int:
        """The line of the module's first import; 0 when it has none."""
        start, end = order.run_bounds(self.module.body, 0)
        return self.line(self.module.body[start]) if start < end else 0

    def fix(self, finding: Finding) -> str | None:
        found = _MESSAGE.search(finding.message)
        name = (found.group(1) or found.group(2)) if found else ""
        if name not in self.reasons:
            self.reasons[name] = self._why_not(name)
            if not self.reasons[name] and self._builtin(name):
                builtin = BUILTIN_GENERICS[name]
                for scope in self.scopes:
                    for access in scope.accesses[name]:
                        # items: List[int] -> items: list[int]   (Python >= 3.9)
                        self.replace(access.node, partial(_renamed, name=builtin))
            elif not self.reasons[name]:
                self.names.append(name)
        return self.reasons[name] or None

    def _builtin(self, name: str) -> bool:
        """Is `name` a typing alias the builtin replaces at the project's oldest Python?"""
        return name in BUILTIN_GENERICS and self.target is not None and self.target >= (3, 9)

    def finish(self, module: cst.Module) -> cst.Module:
        body: order.Body = list(module.body)
        for name in self.names:
            _add_stdlib(module, body, name)
        return module.with_changes(body=body)

    def _why_not(self, name: str) -> str:
        accesses = [a for scope in self.scopes for a in scope.accesses[name]]
        why = self._why_not_name(name, accesses)
        early = [self.line(a.node) for a in accesses if _at_import_time(a.scope)]
        first = self.first_import
        if not why and first and min(early, default=first) < first:
            return f"`{name}` is used on line {min(early)}, above the module's imports"
        return why

    def _why_not_name(self, name: str, accesses: list[Access]) -> str:
        if not name:
            return "cannot read the undefined name from the message"
        if any(name in scope.assignments for scope in self.scopes):
            return f"`{name}` is bound in this module: the finding is about scope or order"
        as_attribute = all(
            isinstance(a.node, cst.Name)
            and m.matches(self.parents[a.node], m.Attribute(value=m.Name(a.node.value)))
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


def _at_import_time(scope: Scope) -> bool:
    while not isinstance(scope, GlobalScope):
        if isinstance(scope, FunctionScope):
            return False
        scope = scope.parent
    return True


def _add_stdlib(module: cst.Module, body: order.Body, name: str) -> None:
    if name not in STDLIB_SYMBOLS:
        # (nothing) -> import json
        order.insert_import(body, order.statement(f"import {name}"), start=0, top=True)
        return
    source = STDLIB_SYMBOLS[name]
    typing_habit = order.from_import_at(body, "typing") is not None
    if source == "collections.abc" and typing_habit and order.from_import_at(body, source) is None:
        source = "typing"  # follow the file's habit of importing the ABCs from typing
    # (nothing) -> from pathlib import Path
    order.add_from_import(module, body, source, name)


def _renamed(node: cst.CSTNode, *, name: str) -> cst.CSTNode:
    return cst.ensure_type(node, cst.Name).with_changes(value=name)
