"""Security codemod for Django's mark_safe around a template formatted in place: the template
stays markup, the values are escaped (`format_html`)."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m

from healers.codemod import Rewrite
from healers.finding import Finding
from healers.imports import order
from healers.security.flagged import FlaggedCodemod

MARK_SAFE = "django.utils.safestring.mark_safe"
FORMAT_HTML = ("django.utils.html", "format_html")
WHO_KNOWS = "which parts are markup and which are values only its author knows"
VARIABLE = (
    "mark_safe is not given a string literal formatted in place (a variable or a value built "
    f"elsewhere): {WHO_KNOWS}"
)
# %% (a literal percent) or %s (a value): the only pieces of a %-template heal converts
_PERCENT = re.compile(r"%(.?)", re.DOTALL)


def percent_template(text: str) -> tuple[str, int] | None:
    """A %-template whose placeholders are all a plain `%s` -> the same template for
    str.format and how many values it takes; None for any other placeholder."""
    out, count, at = [], 0, 0
    for match in _PERCENT.finditer(text):
        out.append(text[at : match.start()].replace("{", "{{").replace("}", "}}"))
        if match.group(1) == "%":
            out.append("%")
        elif match.group(1) == "s":
            out.append("{}")
            count += 1
        else:
            return None
        at = match.end()
    out.append(text[at:].replace("{", "{{").replace("}", "}}"))
    return "".join(out), count


def plain_fields(text: str) -> bool:
    """Does every field of a str.format template only name its value (`{}`, `{0}`, `{name}`)?
    format_html escapes each value into a string first: a format spec (`{:.2f}`), a
    conversion (`{!r}`) or an attribute or index (`{0.name}`) would then act on that string."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return False
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not (name == "" or name.isdigit() or name.isidentifier()):
            return False
    return True


def _text(node: cst.BaseExpression) -> str | None:
    """The value of a plain (not bytes, not f-) string literal, else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _percent_literal(node: cst.SimpleString) -> cst.SimpleString | None:
    """The literal rewritten for str.format in its own source (quotes, prefix and escapes kept),
    or None when its source does not say what its value does (an escaped `%` or brace)."""
    value = node.evaluated_value
    converted = percent_template(value) if isinstance(value, str) else None
    if converted is None:
        return None
    prefix, quote = node.prefix, node.quote
    inner = node.value[len(prefix) + len(quote) : -len(quote)]
    new_inner = percent_template(inner)
    if new_inner is None:
        return None
    new = cst.SimpleString(f"{prefix}{quote}{new_inner[0]}{quote}")
    try:
        same = new.evaluated_value == converted[0]
    except (SyntaxError, ValueError):  # a brace doubled inside an escape: "\N{{BULLET}}"
        return None
    return new if same else None


def format_html_args(call: cst.Call) -> list[cst.Arg] | str:
    """The arguments of format_html for the one argument of mark_safe, or why there are none."""
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return "mark_safe is not given one plain argument"
    value = call.args[0].value
    if isinstance(value, cst.Call) and m.matches(value.func, m.Attribute(attr=m.Name("format"))):
        template = cst.ensure_type(value.func, cst.Attribute).value
        text = _text(template)
        if text is None:
            return VARIABLE
        if not plain_fields(text):
            return (
                "the template has a format spec, a conversion or an attribute field: "
                "format_html would apply it to the escaped text"
            )
        if not value.args:
            return "nothing is formatted into the template"
        # mark_safe(T.format(a, b=c)) -> format_html(T, a, b=c)
        return [cst.Arg(template), *value.args]
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Modulo):
        return _percent(value)
    return VARIABLE


def _percent(value: cst.BinaryOperation) -> list[cst.Arg] | str:
    if not isinstance(value.left, cst.SimpleString) or _text(value.left) is None:
        return VARIABLE
    literal = _percent_literal(value.left)
    old = _text(value.left)
    counted = percent_template(old) if old is not None else None
    if literal is None or counted is None:
        return "the template has placeholders other than a plain %s (%d, %(name)s, %r, ...)"
    right = value.right
    if isinstance(right, cst.Dict):
        return "the values come in a dict: the template names them"
    values: Sequence[cst.BaseExpression] = [right]
    if isinstance(right, cst.Tuple):
        if any(isinstance(e, cst.StarredElement) for e in right.elements):
            return "the values are unpacked from a sequence: how many is not known"
        values = [e.value for e in right.elements]
    if not values or counted[1] != len(values):
        return "the template's %s placeholders and the values given differ in number"
    # mark_safe("<b>%s</b>" % (a,)) -> format_html("<b>{}</b>", a)
    return [cst.Arg(literal), *(cst.Arg(v) for v in values)]


def _rewritten(node: cst.CSTNode) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    args = format_html_args(call)
    if isinstance(args, str):  # the arguments were rewritten by another fix: leave it
        return call
    return call.with_changes(func=cst.Name(FORMAT_HTML[1]), args=args)


class UseFormatHtml(FlaggedCodemod):
    """bandit B308/B703: `mark_safe(T.format(...))` and `mark_safe(T % (...))` with T a string
    literal -> `format_html(T, ...)`, which escapes the values and keeps T as markup."""

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        call = cst.ensure_type(node, cst.Call)
        if node not in self.positions and m.matches(call.func, m.Name(FORMAT_HTML[1])):
            return lambda new: new  # B308 and B703 on the same call: the first rewrite fixed both
        name = self.qualified(call.func)
        if name.startswith("django.utils.safestring.Safe"):
            return (
                f"{name.rpartition('.')[2]} marks the text it is given safe as it is: {WHO_KNOWS}"
            )
        if name != MARK_SAFE:
            return None
        if self._bound_elsewhere():
            return f"{FORMAT_HTML[1]} is a name of this module that is not Django's"
        why = format_html_args(call)
        if isinstance(why, str):
            return why
        # mark_safe("<b>{}</b>".format(name)) -> format_html("<b>{}</b>", name)
        return _rewritten

    def _bound_elsewhere(self) -> bool:
        """Is `format_html` a name in the module other than Django's, imported at the top?"""
        names = m.findall(self.module, m.Name(FORMAT_HTML[1]))
        return bool(names) and self.qualified(cst.Name(FORMAT_HTML[1])) != ".".join(FORMAT_HTML)

    def finish(self, module: cst.Module) -> cst.Module | str:
        done = super().finish(module)
        if isinstance(done, str) or self.qualified(cst.Name(FORMAT_HTML[1])) == ".".join(
            FORMAT_HTML
        ):
            return done
        body: list[cst.BaseStatement] = list(done.body)
        # (nothing) -> from django.utils.html import format_html
        order.add_from_import(done, body, *FORMAT_HTML)
        return done.with_changes(body=body)
