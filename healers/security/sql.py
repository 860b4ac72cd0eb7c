"""Security codemod for SQL built from strings: `cur.execute("... '%s'" % x)` becomes a query with
the driver's placeholders and its values passed apart, where the paramstyle is known from the
imports and every interpolated value sits where SQL takes a value (not a table or column name)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, partial

import libcst as cst
from libcst.helpers import get_full_name_for_node

from healers.codemod import Rewrite
from healers.finding import Finding
from healers.security.flagged import FlaggedCodemod

# DB-API drivers by module, and their placeholder (PEP 249 paramstyle qmark or format)
PLACEHOLDERS = {
    "sqlite3": "?",
    "psycopg": "%s",
    "psycopg2": "%s",
    "pymysql": "%s",
    "MySQLdb": "%s",
    "mysql": "%s",
}
EXECUTE = frozenset({"execute", "executemany"})
# What comes right before a placeholder that takes a value (unquoted): a comparison, LIKE, LIMIT,
# OFFSET, or an item of a VALUES (...) / IN (...) list.
VALUE_BEFORE = re.compile(r"(?:[=<>]|\blike|\blimit|\boffset|\bbetween|\band)\s*$", re.I)
LIST_OPEN = re.compile(r"\b(?:values|in)\s*\($", re.I)
PERCENT = re.compile(r"%(.)", re.S)


@dataclass(frozen=True)
class Query:
    """A query split at its interpolations: len(texts) == len(values) + 1 (raw source text)."""

    texts: tuple[str, ...]
    values: tuple[cst.BaseExpression, ...]
    prefix: str  # the string prefix to keep (no f), and its quote
    quote: str


class ParameterizeQuery(FlaggedCodemod):
    """bandit B608: `cur.execute("... id = '%s'" % x)` -> `cur.execute("... id = ?", (x,))`."""

    kinds = (cst.BinaryOperation, cst.FormattedString, cst.Call)
    asked_again = False

    def rewrite(self, node: cst.CSTNode, finding: Finding) -> Rewrite | str | None:
        arg = self.parents.get(node)
        if isinstance(arg, cst.BinaryOperation):
            return None  # a part of a longer `+` chain that starts at the same column
        call = self.parents.get(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(call, cst.Call) or not isinstance(arg, cst.Arg):
            return _NOT_PASSED
        if call.args[0] is not arg or len(call.args) != 1 or arg.keyword or arg.star:
            return _NOT_PASSED
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else ""
        if method not in EXECUTE:
            return _NOT_PASSED
        query = split(node)
        if isinstance(query, str):
            return query
        if self.placeholder is None:
            return "the DB-API driver is not known from the imports: its paramstyle is unknown"
        literal, why = render(query, self.placeholder)
        if why:
            return why
        # cur.execute("... id = '%s'" % x) -> cur.execute("... id = ?", (x,))
        self.replace(call, partial(_parameterized, literal=literal, values=query.values))
        return _same  # the call around the flagged query is what changes

    @cached_property
    def placeholder(self) -> str | None:
        """The placeholder of the one driver the module imports, else None."""
        found = {PLACEHOLDERS[name] for name in self._imported if name in PLACEHOLDERS}
        return found.pop() if len(found) == 1 else None

    @cached_property
    def _imported(self) -> set[str]:
        names: set[str] = set()
        lines = [s for s in self.module.body if isinstance(s, cst.SimpleStatementLine)]
        for stmt in lines:
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    names |= {_top(a.name) for a in small.names}
                elif isinstance(small, cst.ImportFrom) and small.module and not small.relative:
                    names.add(_top(small.module))
        return names


_NOT_PASSED = "the query is not passed straight to execute() as its only argument"


def _same(node: cst.CSTNode) -> cst.CSTNode:
    return node


def _top(node: cst.CSTNode) -> str:
    return (get_full_name_for_node(node) or "").partition(".")[0]


def split(node: cst.CSTNode) -> Query | str:
    """The query's texts and values, or why heal cannot tell them apart."""
    if isinstance(node, cst.FormattedString):
        return _split_fstring(node)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        return _split_percent(node)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _split_concat(node)
    func = node.func if isinstance(node, cst.Call) else None
    is_format = isinstance(func, cst.Attribute) and func.attr.value == "format"
    template = func.value if isinstance(func, cst.Attribute) else None
    if is_format and isinstance(node, cst.Call) and isinstance(template, cst.SimpleString):
        return _split_format(template, node.args)
    return "the query is built in a way heal does not take apart"


def _plain(node: cst.BaseExpression) -> cst.SimpleString | None:
    if isinstance(node, cst.SimpleString) and not set(node.prefix.lower()) & {"b", "r"}:
        return node
    return None


def _body(literal: cst.SimpleString) -> str:
    return literal.value[len(literal.prefix) + len(literal.quote) : -len(literal.quote)]


def _split_percent(node: cst.BinaryOperation) -> Query | str:
    literal = _plain(node.left)
    if literal is None:
        return "the %-template is not a plain string literal"
    right = node.right
    values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
    if any(isinstance(v, cst.StarredElement) for v in values) or isinstance(right, cst.Dict):
        return "the values are unpacked or named"
    texts, current = [], []
    pos = 0
    body = _body(literal)
    for found in PERCENT.finditer(body):
        current.append(body[pos : found.start()])
        if found.group(1) == "%":
            current.append("%%")
        elif found.group(1) in "sd":
            texts.append("".join(current))
            current = []
        else:
            return f"the template uses %{found.group(1)}: only %s and %d become parameters"
        pos = found.end()
    current.append(body[pos:])
    texts.append("".join(current))
    if len(texts) != len(values) + 1:
        return "the template's placeholders do not match its values"
    return Query(tuple(texts), tuple(values), literal.prefix, literal.quote)


def _split_format(literal: cst.SimpleString, args: Sequence[cst.Arg]) -> Query | str:
    if _plain(literal) is None or any(a.keyword or a.star for a in args):
        return "the .format() template is not plain or takes named values"
    parts = re.split(r"(\{\{|\}\}|\{\d*\})", _body(literal))
    texts: list[str] = []
    current: list[str] = []
    fields: list[int] = []
    for part in parts:
        if part in ("{{", "}}"):
            current.append(part[0])
        elif part.startswith("{") and part.endswith("}"):
            texts.append("".join(current))
            current = []
            fields.append(int(part[1:-1]) if part[1:-1] else len(fields))
        elif "{" in part or "}" in part:
            return "the template has fields with names or format specs"
        else:
            current.append(part)
    texts.append("".join(current))
    if fields != list(range(len(args))):
        return "the template does not use each value once, in order"
    return Query(tuple(texts), tuple(a.value for a in args), literal.prefix, literal.quote)


def _split_fstring(node: cst.FormattedString) -> Query | str:
    if set(node.prefix.lower()) & {"b", "r"}:
        return "a raw or bytes f-string"
    texts, values, current = [], [], []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            current.append(part.value.replace("{{", "{").replace("}}", "}"))
        elif not isinstance(part, cst.FormattedStringExpression):
            return "an f-string part heal does not know"
        elif part.conversion or part.format_spec or part.equal:
            return "an f-string field with a conversion or format spec"
        else:
            texts.append("".join(current))
            current = []
            values.append(part.expression)
    texts.append("".join(current))
    prefix = node.prefix.replace("f", "").replace("F", "")
    return Query(tuple(texts), tuple(values), prefix, node.start[len(node.prefix) :])


def _split_concat(node: cst.BinaryOperation) -> Query | str:
    operands: list[cst.BaseExpression] = []
    stack: list[cst.BaseExpression] = [node]
    while stack:  # left-associative `a + b + c`, flattened in order
        top = stack.pop()
        if isinstance(top, cst.BinaryOperation) and isinstance(top.operator, cst.Add):
            stack += [top.right, top.left]
        else:
            operands.append(top)
    first = _plain(operands[0])
    if first is None:
        return "the query does not start with a plain string literal"
    texts: list[str] = []
    values: list[cst.BaseExpression] = []
    current: list[str] = []
    for operand in operands:
        literal = _plain(operand)
        if literal is None:
            texts.append("".join(current))
            current = []
            values.append(operand)
            continue
        body = _body(literal)
        if first.quote in body or ("\n" in body and len(first.quote) == 1) or "\\" in body:
            return "the string parts are quoted or escaped differently"
        current.append(body)
    texts.append("".join(current))
    return Query(tuple(texts), tuple(values), first.prefix, first.quote)


def render(query: Query, placeholder: str) -> tuple[str, str]:
    """(the new literal, "") or ("", why a value is not where SQL takes a value)."""
    texts = list(query.texts)
    if placeholder == "?":
        texts = [t.replace("%%", "%") for t in texts]
    out = texts[0]
    for text in texts[1:]:
        after = text
        if out.endswith("'") and after.startswith("'"):
            out, after = out[:-1], after[1:]  # '%s' -> ?: the driver quotes the value
        elif out.endswith(("'", '"')) or after.startswith(("'", '"')):
            return "", "a value is interpolated into part of a quoted SQL string or identifier"
        elif not _value_position(out):
            why = "an interpolated value is not in a value position (a table or column name?)"
            return "", why
        out += placeholder + after
    return f"{query.prefix}{query.quote}{out}{query.quote}", ""


def _value_position(before: str) -> bool:
    if VALUE_BEFORE.search(before):
        return True
    opened = before.rfind("(")
    if opened < 0 or ")" in before[opened:] or not re.search(r"(?:\(|,)\s*$", before):
        return False
    return bool(LIST_OPEN.search(before[: opened + 1]))


def _parameterized(
    node: cst.CSTNode, *, literal: str, values: tuple[cst.BaseExpression, ...]
) -> cst.CSTNode:
    call = cst.ensure_type(node, cst.Call)
    items = [cst.Element(v) for v in values]
    params = cst.Tuple(items if len(items) != 1 else [items[0].with_changes(comma=cst.Comma())])
    first = call.args[0].with_changes(
        value=cst.SimpleString(literal), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    )
    return call.with_changes(args=[first, cst.Arg(params)])
