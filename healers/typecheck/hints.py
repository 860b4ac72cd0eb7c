"""Type codemods that write annotations: `any` -> `Any`, empty literals, plain return types."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import partial
from typing import TypeVar

import libcst as cst
import libcst.matchers as m

from healers.finding import Finding, Transformed
from healers.typecheck.common import (
    Parsed,
    Rewrite,
    Targets,
    Version,
    cannot_parse,
    import_name,
    needs_import,
    other_message,
    result,
)

_ANNOTATE_EMPTY_LITERAL_PATTERN = re.compile(r"\w+")

_NOT_A_TYPE = re.compile(r'Function "builtins\.(any|callable)" is not valid as a type')
_NEEDS_ANNOTATION = re.compile(r'Need type annotation for "([^"]+)".*')
TYPING_NAMES = {"any": ("Any", "typing"), "callable": ("Callable", "collections.abc")}
# The empty literals heal annotates, by the builtin generic they build.
EMPTY = {
    "list": m.List(elements=[]) | m.Call(func=m.Name("list"), args=[]),
    "dict": m.Dict(elements=[]) | m.Call(func=m.Name("dict"), args=[]),
    "set": m.Call(func=m.Name("set"), args=[]),
}
SLOTS = {"list": 1, "set": 1, "dict": 2}
GENERIC_NAMES = {"list": ("list", "List"), "dict": ("dict", "Dict"), "set": ("set", "Set")}
LITERAL_TYPES = (
    (m.SimpleString(value=m.MatchRegex(r"(?s)[rRuU]?['\"].*")) | m.FormattedString(), "str"),
    (m.SimpleString(value=m.MatchRegex(r"(?s)[rR]?[bB].*")), "bytes"),
    (m.Integer(), "int"),
    (m.Float(), "float"),
    (m.Name("True") | m.Name("False"), "bool"),
)
# A body that says nothing about what overrides return: a stub, an abstract method.
STUB_LINE = m.SimpleStatementLine(
    body=[m.Pass() | m.Expr(m.Ellipsis() | m.SimpleString() | m.ConcatenatedString()) | m.Raise()]
)
NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
NodeT = TypeVar("NodeT", bound=cst.CSTNode)


# --- use_typing_name -----------------------------------------------------------------------------


def use_typing_name(
    source: str, findings: Sequence[Finding], target: Version | None = None
) -> Transformed:
    """`mypy:valid-type` for the builtins `any` / `callable` used as types -> `Any` / `Callable`."""
    parsed = Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    targets: Targets = {}
    imports: dict[str, str] = {}
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    for index, finding in enumerate(findings):
        said = _NOT_A_TYPE.fullmatch(finding.message)
        if said is None:
            unfixed.append((index, other_message(finding, "`any` and `callable` as types only")))
            continue
        name, source_module = TYPING_NAMES[said.group(1)]
        if source_module == "collections.abc" and parsed.binding("Any") == "typing":
            source_module = "typing"  # the file's habit: its typing names come from typing
        nodes = parsed.at(finding, m.Name(said.group(1)))
        why = needs_import(parsed, name, source_module)
        if not nodes:
            unfixed.append((index, f"no `{said.group(1)}` where mypy points"))
        elif why:
            unfixed.append((index, why))
        else:
            targets[nodes[0]] = partial(_rename, name=name)
            if why is not None:
                imports[name] = source_module
            fixed.append(index)
    module = cst.ensure_type(parsed.module.visit(Rewrite(targets)), cst.Module)
    for name, source_module in sorted(imports.items()):
        module = import_name(module, name, source_module)
    return result(source, module, fixed, unfixed)


def _rename(node: cst.CSTNode, *, name: str) -> cst.CSTNode:
    # x: any -> x: Any
    return cst.ensure_type(node, cst.Name).with_changes(value=name)


# --- annotate_empty_literal ----------------------------------------------------------------------


def annotate_empty_literal(
    source: str, findings: Sequence[Finding], target: Version | None = None
) -> Transformed:
    """`mypy:var-annotated` on `x = []` / `{}` / `set()`: annotate it with the element types the
    function's use of it shows (its return type, literals and typed parameters it stores);
    `Any` only where the use shows nothing."""
    parsed = Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    targets: Targets = {}
    need_any = False
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    for index, finding in enumerate(findings):
        said = _NEEDS_ANNOTATION.fullmatch(finding.message)
        if said is None:
            unfixed.append((index, other_message(finding, "empty literals only")))
            continue
        assign, hint = _annotation_for(parsed, finding, said.group(1), target)
        if assign is None:
            unfixed.append((index, hint))
            continue
        need_any = need_any or "Any" in _ANNOTATE_EMPTY_LITERAL_PATTERN.findall(hint)
        targets[assign] = partial(_annotate, hint=hint)
        fixed.append(index)
    why_not_any = needs_import(parsed, "Any", "typing") if need_any else None
    if why_not_any:
        return Transformed(
            source, unfixed=tuple(sorted([*unfixed, *((i, why_not_any) for i in fixed)]))
        )
    module = cst.ensure_type(parsed.module.visit(Rewrite(targets)), cst.Module)
    if why_not_any == "":
        module = import_name(module, "Any", "typing")
    return result(source, module, fixed, unfixed)


def _annotation_for(
    parsed: Parsed, finding: Finding, name: str, target: Version | None
) -> tuple[cst.Assign | None, str]:
    """(the assignment, its annotation) or (None, why not)."""
    assigns = [
        n for n in parsed.positions if isinstance(n, cst.Assign) and parsed.line(n) == finding.line
    ]
    if len(assigns) != 1 or len(assigns[0].targets) != 1:
        return None, f"not a single assignment to `{name}` on line {finding.line}"
    assign = assigns[0]
    subject = assign.targets[0].target
    if not m.matches(subject, m.Name(name) | m.Attribute(value=m.Name("self"), attr=m.Name(name))):
        return None, f"not an assignment to `{name}` or `self.{name}`"
    kind = next((k for k, shape in EMPTY.items() if m.matches(assign.value, shape)), "")
    if not kind:
        return None, "the value is not an empty list, dict or set literal"
    func = parsed.enclosing(assign, cst.FunctionDef)
    if not isinstance(func, cst.FunctionDef):
        why = _why_not_outside_functions(parsed, assign, target)
        if why:
            return None, why
    elif isinstance(subject, cst.Name) and any(
        m.matches(s, m.Global() | m.Nonlocal()) and name in parsed.module.code_for_node(s)
        for s in m.findall(func, m.Global() | m.Nonlocal())
    ):
        return None, f"`{name}` is declared global or nonlocal: it cannot be annotated here"
    code = parsed.module.code_for_node(subject)
    scope: cst.CSTNode = parsed.module
    if isinstance(func, cst.FunctionDef):
        owner = parsed.enclosing(func, cst.ClassDef)
        scope = owner if isinstance(subject, cst.Attribute) and owner is not None else func
        return assign, _infer(parsed, scope, func, code, kind)
    return assign, _infer(parsed, scope, None, code, kind)


def _why_not_outside_functions(parsed: Parsed, assign: cst.Assign, target: Version | None) -> str:
    if not parsed.lazy_annotations and (target is None or target < (3, 9)):
        return "a module or class annotation is evaluated at import, maybe on Python < 3.9"
    owner = parsed.enclosing(assign, cst.ClassDef)
    if isinstance(owner, cst.ClassDef) and (owner.decorators or owner.bases or owner.keywords):
        # a dataclass, NamedTuple, Enum or model turns an annotated attribute into a field
        return f"an annotation changes what class `{owner.name.value}` (decorated or derived) does"
    return ""


def _infer(
    parsed: Parsed, scope: cst.CSTNode, func: cst.FunctionDef | None, code: str, kind: str
) -> str:
    """`list[int]` from what the scope does with `code`; `list[Any]` when it shows nothing."""
    if func is not None and func.returns is not None:
        returns = func.returns.annotation
        generic = returns.value if isinstance(returns, cst.Subscript) else None
        returned = any(
            r.value is not None and parsed.module.code_for_node(r.value) == code
            for r in _own(func, cst.Return)
        )
        if returned and isinstance(generic, (cst.Name, cst.Attribute)):
            name = parsed.module.code_for_node(generic)
            if name.rpartition(".")[2] in GENERIC_NAMES[kind]:
                return parsed.module.code_for_node(returns)  # return seen -> seen: dict[str, int]
    slots: list[set[str]] = [set() for _ in range(SLOTS[kind])]
    for value_slots in _stored(parsed, scope, code, kind):
        for slot, found in zip(slots, value_slots, strict=True):
            slot.add(found)
    types = [next(iter(s)) if len(s) == 1 and "" not in s else "Any" for s in slots]
    return f"{kind}[{', '.join(types)}]"


def _stored(parsed: Parsed, scope: cst.CSTNode, code: str, kind: str) -> Iterator[list[str]]:
    """The types of what the scope puts into `code`, one list per store ("" when unknown)."""
    adds = m.Call(func=m.Attribute(attr=m.Name("append") | m.Name("add")), args=[m.Arg()])
    for found in m.findall(scope, adds):
        call = cst.ensure_type(found, cst.Call)
        if parsed.module.code_for_node(cst.ensure_type(call.func, cst.Attribute).value) == code:
            yield [_type_of(parsed, call.args[0].value, call)]
    if kind != "dict":
        return
    for found in m.findall(scope, m.Assign(targets=[m.AssignTarget(m.Subscript())])):
        assign = cst.ensure_type(found, cst.Assign)
        store = cst.ensure_type(assign.targets[0].target, cst.Subscript)
        key = store.slice[0].slice if len(store.slice) == 1 else None
        if parsed.module.code_for_node(store.value) == code and isinstance(key, cst.Index):
            yield [_type_of(parsed, key.value, assign), _type_of(parsed, assign.value, assign)]


def _type_of(parsed: Parsed, value: cst.BaseExpression, at: cst.CSTNode) -> str:
    """A literal's type, or a parameter's simple annotation; "" when heal cannot tell."""
    for shape, name in LITERAL_TYPES:
        if m.matches(value, shape):
            return name
    func = parsed.enclosing(at, cst.FunctionDef)
    if isinstance(value, cst.Name) and isinstance(func, cst.FunctionDef):
        params = func.params
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            hint = param.annotation.annotation if param.annotation else None
            if param.name.value == value.value and isinstance(hint, cst.Name):
                return hint.value
    return ""


def _annotate(node: cst.CSTNode, *, hint: str) -> cst.CSTNode:
    assign = cst.ensure_type(node, cst.Assign)
    # seen = {} -> seen: dict[str, int] = {}
    return cst.AnnAssign(
        target=assign.targets[0].target,
        annotation=cst.Annotation(cst.parse_expression(hint)),
        value=assign.value,
        equal=cst.AssignEqual(),
    )


# --- annotate_return -----------------------------------------------------------------------------


def annotate_return(
    source: str, findings: Sequence[Finding], target: Version | None = None
) -> Transformed:
    """`mypy:no-untyped-def`: `-> None` for a function that never returns a value, or the type
    of the one kind of literal it returns; parameters are left to a human."""
    parsed = Parsed.of(source)
    if parsed is None:
        return cannot_parse(findings, source)
    targets: Targets = {}
    fixed: list[int] = []
    unfixed: list[tuple[int, str]] = []
    for index, finding in enumerate(findings):
        funcs = parsed.functions_at(finding.line)
        func = funcs[0] if len(funcs) == 1 else None
        why = _why_not_annotate(parsed, finding, func)
        returns = _returned_type(func) if func is not None and not why else ""
        if func is None or why or not returns:
            unfixed.append((index, why or "it returns values other than one kind of literal"))
            continue
        targets[func] = partial(_add_returns, returns=returns)
        fixed.append(index)
    module = cst.ensure_type(parsed.module.visit(Rewrite(targets)), cst.Module)
    return result(source, module, fixed, unfixed)


def _add_returns(node: cst.CSTNode, *, returns: str) -> cst.CSTNode:
    # def f(): -> def f() -> None:
    return cst.ensure_type(node, cst.FunctionDef).with_changes(
        returns=cst.Annotation(cst.Name(returns))
    )


def _why_not_annotate(parsed: Parsed, finding: Finding, func: cst.FunctionDef | None) -> str:
    if finding.message not in (
        "Function is missing a return type annotation",
        "Function is missing a type annotation",
    ):
        return other_message(finding, "a missing return type only")
    if func is None:
        return f"no single function defined on line {finding.line}"
    params = func.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    method = isinstance(parsed.enclosing(func, (cst.FunctionDef, cst.ClassDef)), cst.ClassDef)
    untyped = [p for i, p in enumerate(every) if p.annotation is None and not (method and i == 0)]
    if untyped or isinstance(params.star_arg, cst.Param) or params.star_kwarg:
        return "its parameters need types too, and only a human knows them"
    body = func.body.body if isinstance(func.body, cst.IndentedBlock) else ()
    if (method or func.decorators) and all(m.matches(s, STUB_LINE) for s in body):
        return "a stub or abstract body says nothing about what overrides return"
    return ""


def _returned_type(func: cst.FunctionDef) -> str:
    """ "None" when the function never returns a value; a literal type when every return gives
    one of the same kind; "" otherwise (generators included)."""
    if list(_own(func, cst.Yield)):
        return ""
    kinds = set()
    for ret in _own(func, cst.Return):
        value = ret.value
        if value is None or m.matches(value, m.Name("None")):
            kinds.add("None")
            continue
        kinds.add(next((name for shape, name in LITERAL_TYPES if m.matches(value, shape)), ""))
    if not kinds:
        return "None"
    return kinds.pop() if len(kinds) == 1 and "" not in kinds else ""


def _own(func: cst.FunctionDef, kind: type[NodeT]) -> Iterator[NodeT]:
    """The `kind` nodes of the function itself, not of functions, classes, lambdas inside it."""

    class Collect(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: list[NodeT] = []

        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, kind):
                self.found.append(node)
            return node is func.body or not isinstance(node, NESTED)

    collect = Collect()
    func.body.visit(collect)
    yield from collect.found
