"""Where ruff's isort (I001, default profile) puts an import: the run of imports, sort keys,
insertion with one blank line between sections, merging a name into a from-import, taking an
import out, and the `if TYPE_CHECKING:` block."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m
from libcst.helpers import get_full_name_for_node

WRAP_AT = 88  # ruff's default line length: a merged from-import longer than this is wrapped
BLANK = cst.EmptyLine(indent=False)  # indent=False: no trailing whitespace inside a block
IMPORT_LINE = m.SimpleStatementLine(body=[m.Import() | m.ImportFrom()])
TYPE_CHECKING_BLOCK = m.If(
    test=m.Name("TYPE_CHECKING")
    | m.Attribute(value=m.Name("typing"), attr=m.Name("TYPE_CHECKING")),
    body=m.IndentedBlock(),
)
_DOCSTRING = m.SimpleStatementLine(body=[m.Expr(m.SimpleString() | m.ConcatenatedString())])
Body = list[cst.BaseStatement]


def leading_lines(stmt: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    if isinstance(stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return stmt.leading_lines
    return ()


def bound_names(stmt: cst.BaseStatement) -> list[str]:
    """The names a lone import statement binds (`import a.b` binds `a.b`); [] for anything else."""
    node = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) else None
    if not isinstance(node, (cst.Import, cst.ImportFrom)) or isinstance(node.names, cst.ImportStar):
        return []
    return [a.evaluated_alias or a.evaluated_name for a in node.names]


def statement(code: str) -> cst.SimpleStatementLine:
    # Parsed with "\n", so its Newline nodes are the default and render as the file's own newline.
    return cst.ensure_type(cst.parse_statement(code + "\n"), cst.SimpleStatementLine)


def split_blanks(
    lines: Sequence[cst.EmptyLine],
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    count = next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
    return list(lines[:count]), list(lines[count:])


def comments(stmt: cst.SimpleStatementLine) -> list[cst.EmptyLine]:
    return split_blanks(stmt.leading_lines)[1]


def run_bounds(body: Sequence[cst.BaseStatement], start: int) -> tuple[int, int]:
    """The first run of lone import statements at or after `start`, as (first, end) indexes;
    without imports, the empty run where they would go: after a module docstring."""
    first = next((i for i in range(start, len(body)) if m.matches(body[i], IMPORT_LINE)), None)
    if first is None:
        at = start + 1 if start < len(body) and m.matches(body[start], _DOCSTRING) else start
        return at, at
    end = first
    while end < len(body) and m.matches(body[end], IMPORT_LINE):
        end += 1
    return first, end


def _natural(text: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"([0-9]+)", text))


def _member_key(alias: cst.ImportAlias) -> tuple[object, ...]:
    # ruff's order-by-type: CONSTANTS, then Classes, then everything else; then case-insensitive.
    name = alias.evaluated_name
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return kind, _natural(name.lower()), _natural(name), alias.evaluated_alias or ""


def sort_key(stmt: cst.BaseStatement) -> tuple[int, tuple[object, ...]]:
    """(section, key): future, stdlib, other absolute, relative; `import x` before `from x`."""
    node = cst.ensure_type(stmt, cst.SimpleStatementLine).body[0]
    if isinstance(node, cst.Import):
        name = node.names[0].evaluated_name
        section = 1 if name.partition(".")[0] in sys.stdlib_module_names else 2
        return section, (
            0,
            _natural(name.lower()),
            _natural(name),
            node.names[0].evaluated_alias or "",
        )
    node = cst.ensure_type(node, cst.ImportFrom)
    source = (get_full_name_for_node(node.module) if node.module else "") or ""
    level = len(node.relative)
    stdlib = source.partition(".")[0] in sys.stdlib_module_names
    section = 0 if source == "__future__" else 3 if level else 1 if stdlib else 2
    members = () if isinstance(node.names, cst.ImportStar) else node.names
    first = min((_member_key(a) for a in members), default=())
    return section, (1, -level, _natural(source.lower()), _natural(source), first)


def insert_import(body: Body, new: cst.SimpleStatementLine, *, start: int, top: bool) -> None:
    """Insert `new` into the first run of imports of `body` where isort would sort it, with one
    blank line between sections; `top`: module level, where code after imports needs 1-2 lines
    and where, when code comes before the first imports, `new` goes above that code."""
    first, end = run_bounds(body, start)
    lead = start + 1 if start < len(body) and m.matches(body[start], _DOCSTRING) else start
    if top and first > lead:  # code runs before the first imports: it may use the new name
        first = end = lead
    section, key = sort_key(new)
    at = next((i for i in range(first, end) if sort_key(body[i]) > (section, key)), end)
    before = body[at - 1] if at > first else None
    after = body[at] if at < len(body) else None
    new_section = before is None or sort_key(before)[0] != section
    blanks, kept = split_blanks(leading_lines(after) if after is not None else ())
    if before is not None:
        lines = [BLANK] if new_section else []
    elif at < end:
        lines = blanks
    else:
        lines = [BLANK] if first > start else []  # after the docstring
    if after is not None and at < end:
        if sort_key(after)[0] != section:  # `after` opens the next section
            blanks = blanks if before is not None and blanks else [BLANK]
            body[at] = after.with_changes(leading_lines=[*blanks, *kept])
        elif new_section:  # `new` now opens the section `after` opened
            body[at] = after.with_changes(leading_lines=kept)
    elif after is not None and first == end and top:
        # (no imports) docstring, code -> docstring, import, blank line(s), code
        gap = 2 if m.matches(after, m.FunctionDef() | m.ClassDef()) else 1
        body[at] = after.with_changes(leading_lines=[BLANK] * gap + kept)
    body.insert(at, new.with_changes(leading_lines=[*lines, *comments(new)]))


def from_import_at(body: Body, module: str) -> int | None:
    first, end = run_bounds(body, 0)
    for i in range(first, end):
        node = cst.ensure_type(body[i], cst.SimpleStatementLine).body[0]
        if (
            isinstance(node, cst.ImportFrom)
            and not node.relative
            and node.module is not None
            and get_full_name_for_node(node.module) == module
            and not isinstance(node.names, cst.ImportStar)
        ):
            return i
    return None


def add_from_import(module: cst.Module, body: Body, source: str, name: str) -> None:
    """`from source import name`: merged into the run's `from source import ...` if there is one."""
    at = from_import_at(body, source)
    if at is None:
        # (nothing) -> from pathlib import Path
        insert_import(body, statement(f"from {source} import {name}"), start=0, top=True)
        return
    stmt = cst.ensure_type(body[at], cst.SimpleStatementLine)
    node = cst.ensure_type(stmt.body[0], cst.ImportFrom)
    names = [] if isinstance(node.names, cst.ImportStar) else list(node.names)
    alias = cst.ImportAlias(name=cst.Name(name))
    pos = next((i for i, a in enumerate(names) if _member_key(a) > _member_key(alias)), len(names))
    lpar = node.lpar
    if lpar is not None and isinstance(lpar.whitespace_after, cst.ParenthesizedWhitespace):
        # from m import (\n    A,\n) -> from m import (\n    A,\n    B,\n)
        names = _into_parentheses(names, pos, alias, lpar.whitespace_after)
        body[at] = stmt.with_changes(body=[node.with_changes(names=names)])
        return
    # from m import A, C -> from m import A, B, C
    body[at] = _on_one_line(module, stmt, node, [*names[:pos], alias, *names[pos:]])


def _into_parentheses(
    names: list[cst.ImportAlias],
    pos: int,
    alias: cst.ImportAlias,
    opening: cst.ParenthesizedWhitespace,
) -> list[cst.ImportAlias]:
    """`alias` at `pos` of a from-import wrapped one name a line, keeping its closing line."""
    inner = cst.Comma(whitespace_after=opening)
    if pos < len(names):
        return [*names[:pos], alias.with_changes(comma=inner), *names[pos:]]
    last = names[-1]
    if isinstance(last.comma, cst.Comma) and isinstance(
        last.comma.whitespace_after, cst.ParenthesizedWhitespace
    ):
        closing = last.comma.whitespace_after
        last = last.with_changes(
            comma=last.comma.with_changes(
                whitespace_after=closing.with_changes(last_line=opening.last_line)
            )
        )
        alias = alias.with_changes(
            comma=cst.Comma(
                whitespace_after=closing.with_changes(first_line=cst.TrailingWhitespace())
            )
        )
    else:
        last = last.with_changes(comma=inner)
    return [*names[:-1], last, alias]


def _on_one_line(
    module: cst.Module,
    stmt: cst.SimpleStatementLine,
    node: cst.ImportFrom,
    names: list[cst.ImportAlias],
) -> cst.SimpleStatementLine:
    """The from-import with these names on one line, or one a line when that is too long."""
    separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    names = [a.with_changes(comma=separator) for a in names[:-1]] + [
        names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    ]
    merged = stmt.with_changes(body=[node.with_changes(names=names)])
    if len(module.code_for_node(merged.with_changes(leading_lines=())).rstrip("\r\n")) <= WRAP_AT:
        return merged
    # from m import A, ..., Z (too long) -> from m import (\n    A,\n    ...\n    Z,\n)
    indent = cst.ParenthesizedWhitespace(
        indent=True, last_line=cst.SimpleWhitespace(module.default_indent)
    )
    closing = cst.ParenthesizedWhitespace(indent=True)
    commas = [cst.Comma(whitespace_after=indent)] * (len(names) - 1) + [
        cst.Comma(whitespace_after=closing)
    ]
    return merged.with_changes(
        body=[
            node.with_changes(
                names=[a.with_changes(comma=c) for a, c in zip(names, commas, strict=True)],
                lpar=cst.LeftParen(whitespace_after=indent),
                rpar=cst.RightParen(),
            )
        ]
    )


def add_under_type_checking(
    module: cst.Module, body: Body, stmt: cst.SimpleStatementLine, *, import_it: bool
) -> None:
    """Put `stmt` in the module's `if TYPE_CHECKING:` block, made after the imports if need be;
    `import_it`: TYPE_CHECKING is not bound yet, so import it from typing."""
    stmt = stmt.with_changes(leading_lines=comments(stmt))  # comments move with it
    block = next((s for s in body if m.matches(s, TYPE_CHECKING_BLOCK)), None)
    if isinstance(block, cst.If) and isinstance(block.body, cst.IndentedBlock):
        # if TYPE_CHECKING: import a -> if TYPE_CHECKING: import a, import x (sorted)
        inner: Body = list(block.body.body)
        insert_import(inner, stmt, start=0, top=False)
        body[body.index(block)] = block.with_changes(body=block.body.with_changes(body=inner))
        return
    if import_it:  # the first import moved; later ones find the block made here
        add_from_import(module, body, "typing", "TYPE_CHECKING")
    _, end = run_bounds(body, 0)
    # (imports) -> (imports), blank line, if TYPE_CHECKING: <the import>
    body.insert(
        end,
        cst.If(
            test=cst.Name("TYPE_CHECKING"),
            body=cst.IndentedBlock(body=[stmt]),
            leading_lines=[BLANK] if end else [],
        ),
    )


def remove_import(body: Body, stmt: cst.SimpleStatementLine) -> None:
    """Take `stmt` out of the body; the next statement inherits its blank lines if it had none."""
    at = body.index(stmt)
    del body[at]
    blanks, _ = split_blanks(stmt.leading_lines)
    if at < len(body) and blanks and not split_blanks(leading_lines(body[at]))[0]:
        body[at] = body[at].with_changes(leading_lines=[*blanks, *leading_lines(body[at])])
