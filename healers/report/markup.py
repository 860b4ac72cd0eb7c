"""Small pieces of HTML the report and the dashboard page share; every value is escaped here."""

from __future__ import annotations

import datetime
import re
from html import escape

EMPTY = '<p class="empty-note">{}</p>'


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def when(moment: float) -> str:
    """A unix time as people read it in a report: 2026-12-01 22:44:07 UTC."""
    stamp = datetime.datetime.fromtimestamp(moment, datetime.timezone.utc)
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


def rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def badge(status: str) -> str:
    return f'<span class="status {esc(status)}">{esc(status)}</span>'


def anchor(kind: str, name: str) -> str:
    """The id of a drill-down target: category-security, rule-unused-import, finding-3f9a..."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def link(kind: str, name: str, text: str | None = None) -> str:
    return f'<a href="#{anchor(kind, name)}">{esc(name if text is None else text)}</a>'


def code_text(text: str) -> str:
    """Catalogue prose: escaped, with `code` spans."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", esc(text))


def diff_block(diff: str) -> str:
    """A unified diff, its lines coloured by kind."""
    lines = []
    for line in diff.splitlines():
        kind = "ctx"
        if line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+") and not line.startswith("+++"):
            kind = "add"
        elif line.startswith("-") and not line.startswith("---"):
            kind = "del"
        attribute = f' class="{kind}"' if kind != "ctx" else ""
        lines.append(f"<span{attribute}>{esc(line) or ' '}</span>")
    return '<pre class="diff">' + "".join(lines) + "</pre>"


def details(ident: str, summary: str, body: str) -> str:
    return f'<details id="{esc(ident)}"><summary>{esc(summary)}</summary>{body}</details>'


def table(head: tuple[str, ...], rows: list[str], *, numeric: tuple[int, ...] = ()) -> str:
    cells = "".join(
        f'<th class="num">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
        for i, h in enumerate(head)
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
