"""Performance codemod for a regex looked up by its pattern in a loop: the pattern is compiled
once, into a module-level constant just above the function (or statement) that uses it, and the
loop calls its method."""

from __future__ import annotations

import ast
import bisect
import re
import unicodedata
from functools import cached_property, partial

import libcst as cst
import libcst.matchers as m

from healers.analysis import Site
from healers.codemod import to
from healers.imports import order
from healers.performance.rules import RULES
from healers.sites import SiteCodemod, without_trailing_comma

# where each `re` function takes `flags` positionally (the pattern is argument 0)
FLAGS_AT = {"compile": 1, "split": 3, "sub": 4, "subn": 4}
FLAGS_DEFAULT_AT = 2


class CompileRegexOnce(SiteCodemod):
    """`re.match(r"...", s)` in a loop -> `_F_PATTERN.match(s)`, compiled once at module level,
    next to the code that uses it."""

    rule = "regex-compiled-in-loop"
    rules = RULES

    def __init__(self, module: cst.Module, target: tuple[int, int] | None) -> None:
        super().__init__(module, target)
        self.constants: dict[str, str] = {}  # compile(...) source -> constant name
        # compile(...) source -> the index of the top-level statement it goes above
        self.places: dict[str, int] = {}

    @cached_property
    def _top_lines(self) -> list[int]:
        return [self.ctx.position(s)[0] for s in self.module.body]

    def place(self, call: cst.Call) -> int:
        """The index of the top-level statement that holds `call`: the constant goes above it."""
        return max(bisect.bisect_right(self._top_lines, self.ctx.position(call)[0]) - 1, 0)

    def fix_site(self, site: Site) -> str | None:
        call = cst.ensure_type(site.node, cst.Call)
        func = cst.ensure_type(call.func, cst.Attribute)
        why = self._why_not_hoisted(call)
        if why:
            return why
        pattern, flags, _ = _split_args(call, func.attr.value)
        module_ref = self.code(func.value).strip()
        compiled = f"{module_ref}.compile({', '.join(a for a in (pattern, flags) if a)})"
        if compiled not in self.constants:
            self.constants[compiled] = self.fresh(_constant_name(site.detail, pattern))
        self.places[compiled] = min(
            self.places.get(compiled, len(self._top_lines)), self.place(call)
        )
        name = cst.Name(self.constants[compiled])
        if func.attr.value == "compile":
            # re.compile(r"...") -> _NAME_PATTERN
            self.replace(call, to(name))
        else:
            # re.match(r"...", s) -> _NAME_PATTERN.match(s)
            self.replace(call, partial(_method_call, method=cst.Attribute(name, func.attr)))
        return None

    def finish(self, module: cst.Module) -> cst.Module | str:
        # import re / ... / def f(): ... -> import re / ... / _F_PATTERN = re.compile(...) / def f()
        body = list(module.body)
        for at in sorted(set(self.places.values()), reverse=True):
            codes = [c for c, place in self.places.items() if place == at]
            new = [order.statement(f"{self.constants[c]} = {c}") for c in codes]
            blanks, notes = order.split_blanks(order.leading_lines(body[at]))
            new[0] = new[0].with_changes(leading_lines=blanks or [order.BLANK])
            if m.matches(body[at], m.FunctionDef() | m.ClassDef()):
                body[at] = body[at].with_changes(leading_lines=[order.BLANK, order.BLANK, *notes])
            else:
                body[at] = body[at].with_changes(leading_lines=notes)
            body[at:at] = new
        return module.with_changes(body=body)

    def _why_not_hoisted(self, call: cst.Call) -> str:
        func = cst.ensure_type(call.func, cst.Attribute)
        if not isinstance(func.value, cst.Name):
            return "the `re` module is not referred to by a plain name"
        top = list(self.module.body)
        imported = [
            i
            for i, s in enumerate(top[: self.place(call)])
            if func.value.value in order.bound_names(s)
        ]
        if not imported:
            return f"`{func.value.value}` is not imported at module level above the code using it"
        pattern, flags, _ = _split_args(call, func.attr.value)
        try:
            value = ast.literal_eval(pattern)
            flag_value = _flags(flags)
            re.compile(value, flag_value)
        except (ValueError, SyntaxError, re.error, TypeError) as exc:
            return f"the pattern or its flags cannot be compiled ahead of time: {exc}"
        return ""


def _method_call(node: cst.CSTNode, method: cst.Attribute) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    _, _, rest = _split_args(call, method.attr.value)
    return call.with_changes(func=method, args=without_trailing_comma(rest))


def _flags(code: str) -> int:
    """The value of `re.I | re.M` style flags, named through any alias of the re module."""
    value = 0
    for part in filter(None, (p.strip() for p in code.split("|"))):
        attr = part.rpartition(".")[2]
        if not attr.isupper() or not isinstance(getattr(re, attr, None), int):
            raise ValueError(f"flags {code!r} are not constant re flags")
        value |= getattr(re, attr)
    return value


def _split_args(call: cst.Call, function: str) -> tuple[str, str, list[cst.Arg]]:
    """(pattern source, flags source or "", the other arguments) of an `re` call."""
    code = cst.Module([]).code_for_node
    at = FLAGS_AT.get(function, FLAGS_DEFAULT_AT)
    pattern, flags, rest = code(call.args[0].value), "", []
    for i, arg in enumerate(call.args[1:], start=1):
        is_flags = (arg.keyword and arg.keyword.value == "flags") or (not arg.keyword and i == at)
        if is_flags:
            flags = code(arg.value)
        else:
            rest.append(arg)
    return pattern, flags, rest


def _constant_name(function: str, pattern: str) -> str:
    """`_LEFT_CURLY_BRACKET_PATTERN` for a one-character pattern such as `"{"` (two in one
    function are no `_REPORT_PATTERN` and `_REPORT_PATTERN_2`), else the function's name."""
    try:
        value = ast.literal_eval(pattern)
        char = unicodedata.name(value) if isinstance(value, str) and len(value) == 1 else ""
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        char = ""
    if char and not value.isalnum():
        return f"_{re.sub(r'[^A-Z0-9]+', '_', char)}_PATTERN"
    return f"_{function.strip('_').upper()}_PATTERN" if function.strip("_") else "_PATTERN"
