"""Type codemod for an empty literal mypy cannot type: `x = []` -> `x: list[int] = []`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial

import libcst as cst
import libcst.matchers as m

from healers.finding import Finding
from healers.typecheck.common import TypeCodemod, other_message
from healers.typecheck.hints import LITERAL_TYPES, own

_NEEDS_ANNOTATION = re.compile(r'Need type annotation for "([^"]+)".*')
_WORDS = re.compile(r"\w+")
# The empty literals heal annotates, by the builtin generic they build.
EMPTY = {
    "list": m.List(elements=[]) | m.Call(func=m.Name("list"), args=[]),
    "dict": m.Dict(elements=[]) | m.Call(func=m.Name("dict"), args=[]),
    "set": m.Call(func=m.Name("set"), args=[]),
}
SLOTS = {"list": 1, "set": 1, "dict": 2}
GENERIC_NAMES = {"list": ("list", "List"), "dict": ("dict", "Dict"), "set": ("set", "Set")}
ADDS = m.Call(func=m.Attribute(attr=m.Name("append") | m.Name("add")), args=[m.Arg()])
KEYED = m.Assign(targets=[m.AssignTarget(m.Subscript())])


class AnnotateEmptyLiteral(TypeCodemod):
    """`mypy:var-annotated` on `x = []` / `{}` / `set()`: annotate it with the element types the
    function's use of it shows (its return type, literals and typed parameters it stores), when
    every assignment in its scope fits; never `Any` (that only quiets mypy)."""

    need_any = False  # some annotation written says `Any`

    def fix(self, finding: Finding) -> str | None:
        said = _NEEDS_ANNOTATION.fullmatch(finding.message)
        if said is None:
            return other_message(finding, "empty literals only")
        assign, hint = self._annotation_for(finding, said.group(1))
        if assign is None:
            return hint
        self.need_any = self.need_any or "Any" in _WORDS.findall(hint)
        self.once(assign, partial(_annotate, hint=hint))
        return None

    def finish(self, module: cst.Module) -> cst.Module | str:
        why_not_any = self.needs_import("Any", "typing") if self.need_any else None
        if why_not_any:
            return why_not_any
        return self.import_typing_name(module, "Any", "typing") if why_not_any == "" else module

    def _annotation_for(self, finding: Finding, name: str) -> tuple[cst.Assign | None, str]:
        """(the assignment, its annotation) or (None, why not)."""
        assigns = [
            n for n in self.positions if isinstance(n, cst.Assign) and self.line(n) == finding.line
        ]
        if len(assigns) != 1 or len(assigns[0].targets) != 1:
            return None, f"not a single assignment to `{name}` on line {finding.line}"
        assign = assigns[0]
        subject = assign.targets[0].target
        if not m.matches(
            subject, m.Name(name) | m.Attribute(value=m.Name("self"), attr=m.Name(name))
        ):
            return None, f"not an assignment to `{name}` or `self.{name}`"
        kind = next((k for k, shape in EMPTY.items() if m.matches(assign.value, shape)), "")
        if not kind:
            return None, "the value is not an empty list, dict or set literal"
        func = self.enclosing(assign, cst.FunctionDef)
        if not isinstance(func, cst.FunctionDef):
            why = self._why_not_outside_functions(assign)
            if why:
                return None, why
        elif isinstance(subject, cst.Name) and any(
            m.matches(s, m.Global() | m.Nonlocal()) and name in self.code(s)
            for s in m.findall(func, m.Global() | m.Nonlocal())
        ):
            return None, f"`{name}` is declared global or nonlocal: it cannot be annotated here"
        code = self.code(subject)
        scope: cst.CSTNode = self.module
        if isinstance(func, cst.FunctionDef):
            owner = self.enclosing(func, cst.ClassDef)
            scope = owner if isinstance(subject, cst.Attribute) and owner is not None else func
        other = self._other_assignment(scope, code, assign, kind)
        if other:
            return None, other
        hint = self._infer(scope, func if isinstance(func, cst.FunctionDef) else None, code, kind)
        if not hint:
            why = f"nothing `{code}` is given shows its element types; `Any` would only quiet mypy"
            return None, why
        return assign, hint

    def _why_not_outside_functions(self, assign: cst.Assign) -> str:
        if not self.lazy_annotations and (self.target is None or self.target < (3, 9)):
            return "a module or class annotation is evaluated at import, maybe on Python < 3.9"
        owner = self.enclosing(assign, cst.ClassDef)
        if isinstance(owner, cst.ClassDef) and (owner.decorators or owner.bases or owner.keywords):
            # a dataclass, NamedTuple, Enum or model turns an annotated attribute into a field
            name = owner.name.value
            return f"an annotation changes what class `{name}` (decorated or derived) does"
        return ""

    def _other_assignment(
        self, scope: cst.CSTNode, code: str, assign: cst.Assign, kind: str
    ) -> str:
        """Why not: `code` is assigned elsewhere in its scope something other than an empty
        `kind` (None, another value): one annotation must fit every assignment."""
        stores = m.findall(scope, m.Assign() | m.AnnAssign() | m.AugAssign())
        for stmt in stores:
            if stmt is assign:
                continue
            if isinstance(stmt, cst.Assign):
                targets = [t.target for t in stmt.targets]
            elif isinstance(stmt, (cst.AnnAssign, cst.AugAssign)):
                targets = [stmt.target]
            else:
                continue
            names = [n for t in targets for n in _stored_names(t)]
            if code not in (self.code(n) for n in names):
                continue
            value = stmt.value if isinstance(stmt, (cst.Assign, cst.AnnAssign)) else None
            single = isinstance(stmt, cst.Assign) and len(names) == 1
            if single and value is not None and m.matches(value, EMPTY[kind]):
                continue
            shown = self.code(value) if value is not None else ""
            what = f"`{shown}`" if shown and len(shown) < 40 else "a value"
            return (
                f"`{code}` is also assigned {what} on line {self.line(stmt)}: the annotation must "
                "fit every assignment, and which type does is for a human"
            )
        return ""

    def _infer(self, scope: cst.CSTNode, func: cst.FunctionDef | None, code: str, kind: str) -> str:
        """`list[int]` from what the scope does with `code`; "" when it shows no single type."""
        declared = self._declared(func, code, kind) if func is not None else ""
        if declared:
            return declared  # return seen -> seen: dict[str, int]
        slots: list[set[str]] = [set() for _ in range(SLOTS[kind])]
        for value_slots in self._stored(scope, code, kind):
            for slot, found in zip(slots, value_slots, strict=True):
                slot.add(found)
        if any(len(s) != 1 or "" in s for s in slots):
            return ""  # the use shows no single type: `Any` would only quiet mypy
        return f"{kind}[{', '.join(next(iter(s)) for s in slots)}]"

    def _declared(self, func: cst.FunctionDef, code: str, kind: str) -> str:
        """The function's return type when it returns `code` and the type is a `kind`; or ""."""
        if func.returns is None:
            return ""
        returns = func.returns.annotation
        generic = returns.value if isinstance(returns, cst.Subscript) else None
        returned = any(
            r.value is not None and self.code(r.value) == code for r in own(func, cst.Return)
        )
        if not returned or not isinstance(generic, (cst.Name, cst.Attribute)):
            return ""
        name = self.code(generic)
        return self.code(returns) if name.rpartition(".")[2] in GENERIC_NAMES[kind] else ""

    def _stored(self, scope: cst.CSTNode, code: str, kind: str) -> Iterator[list[str]]:
        """The types of what the scope puts into `code`, one list per store ("" when unknown)."""
        for found in m.findall(scope, ADDS):
            call = cst.ensure_type(found, cst.Call)
            if self.code(cst.ensure_type(call.func, cst.Attribute).value) == code:
                yield [self._type_of(call.args[0].value, call)]
        if kind != "dict":
            return
        for found in m.findall(scope, KEYED):
            assign = cst.ensure_type(found, cst.Assign)
            store = cst.ensure_type(assign.targets[0].target, cst.Subscript)
            key = store.slice[0].slice if len(store.slice) == 1 else None
            if self.code(store.value) == code and isinstance(key, cst.Index):
                yield [self._type_of(key.value, assign), self._type_of(assign.value, assign)]

    def _type_of(self, value: cst.BaseExpression, at: cst.CSTNode) -> str:
        """A literal's type, or a parameter's simple annotation; "" when heal cannot tell."""
        for shape, name in LITERAL_TYPES:
            if m.matches(value, shape):
                return name
        func = self.enclosing(at, cst.FunctionDef)
        if isinstance(value, cst.Name) and isinstance(func, cst.FunctionDef):
            params = func.params
            for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
                hint = param.annotation.annotation if param.annotation else None
                if param.name.value == value.value and isinstance(hint, cst.Name):
                    return hint.value
        return ""


def _stored_names(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The names and attributes an assignment target stores into (tuples unpacked)."""
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _stored_names(e.value)]
    if isinstance(target, cst.StarredElement):
        return _stored_names(target.value)
    return [target]


def _annotate(node: cst.CSTNode, *, hint: str) -> cst.CSTNode:
    assign = cst.ensure_type(node, cst.Assign)
    # seen = {} -> seen: dict[str, int] = {}
    return cst.AnnAssign(
        target=assign.targets[0].target,
        annotation=cst.Annotation(cst.parse_expression(hint)),
        value=assign.value,
        equal=cst.AssignEqual(),
    )
